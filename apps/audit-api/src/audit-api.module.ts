import { Module } from '@nestjs/common';
import { CommandHandler } from '@policloud/runtime';
import { MatchingRunsModule } from '@policloud/matching-runs';
import { AuditController } from './audit.controller';
import { AuditEventsService } from './audit-events.service';
import { CheckpointsModule } from './checkpoints/checkpoints.module';
import { VerificationService } from './checkpoints/verification.service';
import { SovereigntyService } from './sovereignty.service';
import { AuditTreeController } from './log-tree/audit-tree.controller';
import { ProofsService } from './log-tree/proofs.service';
import { WitnessesService } from './witnesses/witnesses.service';

/** Auditors' reads: the log, its verification, checkpoints, sovereignty and run replays. */
@Module({
  imports: [CheckpointsModule, MatchingRunsModule],
  controllers: [AuditController, AuditTreeController],
  providers: [
    AuditEventsService,
    VerificationService,
    SovereigntyService,
    ProofsService,
    WitnessesService,
    CommandHandler,
  ],
  exports: [VerificationService],
})
export class AuditApiModule {}
