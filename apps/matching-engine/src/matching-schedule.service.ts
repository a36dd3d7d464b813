import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { idsFor } from '@policloud/http';
import { APP_CONFIG, PeriodicWorker, WorkerRegistry } from '@policloud/runtime';
import { MatchingRunsService } from './matching-runs.service';

/** Runs matching every MATCHING_INTERVAL_MINUTES (off when 0), one run at a time; a failed run is retried with backoff. */
@Injectable()
export class MatchingScheduleService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Matching');
  private worker: PeriodicWorker | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: MatchingRunsService,
    private readonly workers: WorkerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.matchingIntervalMinutes;
    if (minutes <= 0) return;
    const worker = new PeriodicWorker(
      'scheduled matching run',
      minutes * 60_000,
      async () => {
        await this.runs.run({}, { actor: 'system', ids: idsFor(undefined) });
      },
      this.logger,
    );
    this.workers.register('matchingSchedule', () => worker.status());
    worker.start();
    this.worker = worker;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }
}
