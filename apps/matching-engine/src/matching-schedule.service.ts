import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { idsFor } from '@policloud/http';
import { APP_CONFIG, SingletonWorkers } from '@policloud/runtime';
import { MatchingRunsService } from '@policloud/matching-runs';

/**
 * Runs matching every MATCHING_INTERVAL_MINUTES (off when 0), one run at a time, in the one
 * process that leads the `matchingSchedule` singleton; a failed run is retried with backoff.
 */
@Injectable()
export class MatchingScheduleService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: MatchingRunsService,
    private readonly singletons: SingletonWorkers,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.matchingIntervalMinutes;
    if (minutes <= 0) return;
    this.singletons.periodic('matchingSchedule', minutes * 60_000, async () => {
      await this.runs.run({}, { actor: 'system', ids: idsFor(undefined) });
    });
  }
}
