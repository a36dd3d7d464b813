import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { APP_CONFIG, SingletonWorkers } from '@policloud/runtime';
import { CheckpointsService } from './checkpoints.service';

/**
 * Seals a checkpoint every AUDIT_SEAL_INTERVAL_SECONDS (off when 0), in the one process that
 * leads the `auditSealer` singleton; a failed seal is retried with backoff.
 */
@Injectable()
export class AuditSealerService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly checkpoints: CheckpointsService,
    private readonly singletons: SingletonWorkers,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auditSealIntervalSeconds <= 0) return;
    this.singletons.periodic(
      'auditSealer',
      this.config.auditSealIntervalSeconds * 1000,
      async () => {
        const sealed = await this.checkpoints.seal();
        if (sealed) {
          this.logger.log({
            msg: 'checkpoint sealed',
            sequence: sealed.sequence,
            toPosition: sealed.toPosition,
            eventCount: sealed.eventCount,
          });
        }
        return sealed?.toPosition;
      },
    );
  }
}
