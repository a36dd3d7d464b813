import { Module } from '@nestjs/common';
import { AuditSealerService } from './audit-sealer.service';
import { CheckpointsModule } from './checkpoints.module';

/** The scheduled sealer, a singleton worker hosted by the projector (and the all-in-one). */
@Module({
  imports: [CheckpointsModule],
  providers: [AuditSealerService],
})
export class AuditSealerModule {}
