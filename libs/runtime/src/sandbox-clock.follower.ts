import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SANDBOX_CLOCK_STREAM, expectEvent } from '@policloud/domain';
import { EVENT_STORE, EventStore, StreamNotFoundError } from '@policloud/event-store';
import { CLOCK, Clock, SandboxClock } from './clock';
import { PeriodicWorker } from './workers/periodic-worker';
import { WorkerRegistry } from './workers/worker-registry';

/** How often a replica looks for moves another replica recorded. */
const FOLLOW_INTERVAL_MS = 1_000;

/**
 * With CLOCK=sandbox, keeps this process's clock at the last move in the log: read before the
 * service takes requests (a restart keeps the time), then followed every second (moves made
 * through other replicas). Does nothing with the system clock.
 */
@Injectable()
export class SandboxClockFollower implements OnModuleInit, OnApplicationShutdown {
  private worker: PeriodicWorker | null = null;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: WorkerRegistry,
  ) {}

  get sandbox(): SandboxClock | null {
    return this.clock instanceof SandboxClock ? this.clock : null;
  }

  async onModuleInit(): Promise<void> {
    if (!this.sandbox) return;
    await this.refresh();
    const worker = new PeriodicWorker(
      'sandboxClock',
      FOLLOW_INTERVAL_MS,
      () => this.refresh(),
      new Logger('SandboxClock'),
    );
    this.registry.register('sandboxClock', () => worker.status());
    worker.start();
    this.worker = worker;
    new Logger('SandboxClock').warn(
      `CLOCK=sandbox: operators may move time forward (POST /v1/sandbox/clock); it reads ${this.sandbox.now().toISOString()}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  /** Reads the last move in the log into the clock. */
  async refresh(): Promise<void> {
    const sandbox = this.sandbox;
    if (!sandbox) return;
    try {
      const [last] = await this.store.readStream(SANDBOX_CLOCK_STREAM, {
        direction: 'backwards',
        maxCount: 1,
      });
      if (last) sandbox.observe(expectEvent(last, 'SandboxClockAdvanced').data.to);
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
  }
}
