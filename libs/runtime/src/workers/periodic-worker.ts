import { Logger } from '@nestjs/common';
import { BackoffPolicy, FailureTracker, sleep, WorkerStatus } from '@policloud/event-store';

export interface PeriodicWorkerStatus extends WorkerStatus {
  intervalMs: number;
  lastSuccessAt?: string;
  /** What the task reported on its last success (e.g. the position it sealed up to). */
  position?: number;
}

/**
 * Runs a task every `intervalMs`, one run at a time. A failed run is retried after a capped
 * exponential backoff (never later than the next regular run), logged, and reported in /health;
 * nothing stops the worker but `stop()`.
 */
export class PeriodicWorker {
  private readonly failures: FailureTracker;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private lastSuccessAt: string | undefined;
  private position: number | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<number | void>,
    private readonly logger: Logger,
    policy?: BackoffPolicy,
  ) {
    this.failures = new FailureTracker(
      policy ?? { initialMs: 250, maxMs: Math.min(30_000, intervalMs) },
    );
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  status(): PeriodicWorkerStatus {
    return {
      ...this.failures.status(this.stopping.signal.aborted || this.loop === null),
      intervalMs: this.intervalMs,
      ...(this.lastSuccessAt ? { lastSuccessAt: this.lastSuccessAt } : {}),
      ...(this.position === undefined ? {} : { position: this.position }),
    };
  }

  private async run(): Promise<void> {
    let delay = this.intervalMs;
    while (!this.stopping.signal.aborted) {
      await sleep(delay, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      try {
        const position = await this.task();
        if (typeof position === 'number') this.position = position;
        if (this.failures.failing) this.logger.log(`${this.name} recovered`);
        this.failures.succeeded();
        this.lastSuccessAt = new Date().toISOString();
        delay = this.intervalMs;
      } catch (error) {
        delay = Math.min(this.failures.failed(error), this.intervalMs);
        this.logger.error(
          `${this.name} failed: ${(error as Error).message}; retrying in ${delay} ms`,
        );
      }
    }
  }
}
