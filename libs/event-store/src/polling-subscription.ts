import { FailureTracker, WorkerStatus } from './backoff';
import { RecordedEvent, SubscribeOptions, Subscription } from './event-store.port';

export interface PollingSource {
  readAll(options: { after: number; maxCount: number }): Promise<RecordedEvent[]>;
}

export type PollingOptions = SubscribeOptions;

/**
 * A catch-up subscription over any store that can read its global log in pages: it reads until
 * a page comes back empty (caught up), then keeps polling for new events (live). A failed read or
 * handler (a dropped connection, a broker outage) never ends it: it retries from the last page
 * handled after a capped exponential backoff, until stopped.
 */
export class PollingSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  /** A wake that arrived while a page was being handled: poll again at once. */
  private woken = false;
  private readonly loop: Promise<void>;
  private current: number;
  private readonly failures: FailureTracker;

  constructor(
    private readonly source: PollingSource,
    private readonly options: PollingOptions,
  ) {
    this.current = options.after;
    this.failures = new FailureTracker(options.retry);
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.loop = this.run();
  }

  get position(): number {
    return this.current;
  }

  status(): WorkerStatus {
    return this.failures.status(this.stopped);
  }

  /** Ends the idle wait early: new events were appended. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.markCaughtUp();
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.poll();
      } catch (error) {
        if (this.stopped) break;
        const delay = this.failures.failed(error);
        this.options.onError?.(error, delay);
        await this.pause(delay, false);
      }
    }
  }

  /** Reads and delivers pages from the current position until stopped or a step fails. */
  private async poll(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const read = (after: number) => {
      const page = this.source.readAll({ after, maxCount: batchSize });
      page.catch(() => undefined); // a prefetch dropped by a stop or a failure must not fail unhandled
      return page;
    };
    let next = read(this.current);
    while (!this.stopped) {
      const events = await next;
      const full = events.length === batchSize;
      // Catching up, the next page is read while this one is handled: the two overlap.
      if (full) next = read(events[events.length - 1].globalPosition);
      await this.deliver(events);
      this.failures.succeeded();
      if (!full) {
        this.markCaughtUp();
        await this.idle();
        if (!this.stopped) next = read(this.current);
      }
    }
  }

  private async deliver(events: RecordedEvent[]): Promise<void> {
    const { onBatch, onEvent } = this.options;
    if (onBatch && events.length > 0) {
      await onBatch(events);
      this.current = events[events.length - 1].globalPosition;
      return;
    }
    for (const event of events) {
      if (this.stopped) return;
      await onEvent?.(event);
      this.current = event.globalPosition;
    }
  }

  private idle(): Promise<void> {
    if (this.stopped || this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return this.pause(this.options.idleMs ?? 100);
  }

  /** Waits `ms`, or less when stopped (or woken by an append, unless it is a retry's delay). */
  private pause(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = () => {
        if (wakeable || this.stopped) finish();
      };
    });
  }
}
