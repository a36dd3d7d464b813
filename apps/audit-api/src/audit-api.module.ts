import { Module } from '@nestjs/common';
import { MatchingEngineModule } from '../../matching-engine/src/matching-engine.module';
import { AuditController } from './audit.controller';
import { AuditEventsService } from './audit-events.service';
import { AuditKeyService } from './checkpoints/audit-key.service';
import { CheckpointsService } from './checkpoints/checkpoints.service';
import { VerificationService } from './checkpoints/verification.service';
import { SovereigntyService } from './sovereignty.service';

@Module({
  imports: [MatchingEngineModule],
  controllers: [AuditController],
  providers: [AuditEventsService, AuditKeyService, CheckpointsService, VerificationService, SovereigntyService],
  exports: [CheckpointsService, VerificationService],
})
export class AuditApiModule {}
