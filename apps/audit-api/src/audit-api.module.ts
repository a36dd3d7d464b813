import { Module } from '@nestjs/common';
import { MatchingRunsModule } from '@policloud/matching-runs';
import { AuditController } from './audit.controller';
import { AuditEventsService } from './audit-events.service';
import { CheckpointsModule } from './checkpoints/checkpoints.module';
import { VerificationService } from './checkpoints/verification.service';
import { SovereigntyService } from './sovereignty.service';

/** Auditors' reads: the log, its verification, checkpoints, sovereignty and run replays. */
@Module({
  imports: [CheckpointsModule, MatchingRunsModule],
  controllers: [AuditController],
  providers: [AuditEventsService, VerificationService, SovereigntyService],
  exports: [VerificationService],
})
export class AuditApiModule {}
