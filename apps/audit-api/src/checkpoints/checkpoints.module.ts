import { Module } from '@nestjs/common';
import { CommandHandler, LogTreeStore } from '@policloud/runtime';
import { AuditKeyService } from './audit-key.service';
import { CheckpointsService } from './checkpoints.service';

/** Signed checkpoints of the log: sealed on demand (audit-api) and on schedule (the sealer). */
@Module({
  providers: [AuditKeyService, CheckpointsService, CommandHandler, LogTreeStore],
  exports: [AuditKeyService, CheckpointsService, LogTreeStore],
})
export class CheckpointsModule {}
