import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { idsFor } from '@policloud/http';
import { APP_CONFIG } from '@policloud/runtime';
import { MatchingRunsService } from './matching-runs.service';

/** Runs matching every MATCHING_INTERVAL_MINUTES (off when 0), one run at a time. */
@Injectable()
export class MatchingScheduleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Matching');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: MatchingRunsService,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.matchingIntervalMinutes;
    if (minutes <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => this.runs.run({}, { actor: 'system', ids: idsFor(undefined) }))
        .catch((error: Error) =>
          this.logger.error(`scheduled matching run failed: ${error.message}`),
        );
    }, minutes * 60_000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
