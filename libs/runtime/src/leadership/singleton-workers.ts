import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { APP_CONFIG, METRICS } from '../runtime.tokens';
import { Metrics } from '../observability/metrics';
import { PeriodicWorker } from '../workers/periodic-worker';
import { WorkerRegistry } from '../workers/worker-registry';
import { AdvisoryLockLeadership } from './advisory-lock-leadership';
import { Leadership, SoleLeadership } from './leadership';

export interface SingletonWork {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/**
 * Work that runs in one process of a deployment at a time (projection runner, Kafka relay,
 * audit sealer, scheduled matching), elected per singleton. On PostgreSQL the election is an
 * advisory lock, so replicas of any service can host the same singletons as standbys; on the
 * embedded store the process is alone and always leads.
 */
@Injectable()
export class SingletonWorkers implements OnApplicationShutdown {
  private readonly logger = new Logger('Leadership');
  private readonly leaderships: Leadership[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(METRICS) private readonly metrics: Metrics,
    private readonly registry: WorkerRegistry,
  ) {}

  /** Starts `work` whenever this process becomes the leader of `singleton`, stops it when it stops being one. */
  lead(singleton: string, work: SingletonWork): Leadership {
    const leadership = this.elect(singleton);
    leadership.start({ onElected: () => work.start(), onDeposed: () => work.stop() });
    this.leaderships.push(leadership);
    return leadership;
  }

  /** A periodic task (see PeriodicWorker) run by the leader of `singleton` only; /health shows it. */
  periodic(singleton: string, intervalMs: number, task: () => Promise<number | void>): void {
    const logger = new Logger(singleton);
    let worker: PeriodicWorker | null = null;
    const leadership = this.lead(singleton, {
      start: () => {
        worker = new PeriodicWorker(singleton, intervalMs, task, logger);
        worker.start();
      },
      stop: async () => {
        await worker?.stop();
        worker = null;
      },
    });
    this.registry.register(singleton, () =>
      worker && leadership.isLeader()
        ? worker.status()
        : { state: 'standby', failures: 0, intervalMs },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // Each leader stops its work, then lets a standby take over at once.
    await Promise.all(this.leaderships.splice(0).map((leadership) => leadership.stop()));
  }

  private elect(singleton: string): Leadership {
    this.metrics.leadership.set({ singleton }, 0);
    const onChange = (leading: boolean, reason: string) => {
      this.metrics.leadership.set({ singleton }, leading ? 1 : 0);
      this.logger.log({ msg: leading ? 'leads' : 'no longer leads', singleton, reason });
    };
    return this.config.databaseUrl
      ? new AdvisoryLockLeadership(
          singleton,
          { connectionString: this.config.databaseUrl },
          { onChange },
        )
      : new SoleLeadership(singleton, onChange);
  }
}
