import { Module } from '@nestjs/common';
import { AuditKeyService } from './audit-key.service';
import { CheckpointsService } from './checkpoints.service';

/** Signed checkpoints of the log: sealed on demand (audit-api) and on schedule (the sealer). */
@Module({
  providers: [AuditKeyService, CheckpointsService],
  exports: [AuditKeyService, CheckpointsService],
})
export class CheckpointsModule {}
