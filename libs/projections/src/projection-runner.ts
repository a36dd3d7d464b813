import { DataSource } from 'typeorm';
import { EventStore, RecordedEvent, Subscription } from '@policloud/event-store';
import { Projection } from './projection';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';

export interface ProjectionRunnerOptions {
  /** Checkpoint name of this runner. */
  name?: string;
  batchSize?: number;
  idleMs?: number;
  /** Brings old event versions to the current one before projections see them. */
  upcast?: (event: RecordedEvent) => RecordedEvent;
  onError?: (error: unknown) => void;
}

export class ProjectionLagTimeoutError extends Error {
  constructor(position: number, reached: number) {
    super(`read models stopped short of position ${position} (at ${reached})`);
    this.name = 'ProjectionLagTimeoutError';
  }
}

interface Waiter {
  position: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

/** The longest a read waits for read models that keep moving but trail the writes. */
const MAX_WAIT_MS = 120_000;

/**
 * Applies the global log to the read models. Each page of events is applied in one transaction
 * that also moves the checkpoint: a crash never applies an event twice nor skips one.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private position = 0;
  private lastError: string | undefined;
  private waiters: Waiter[] = [];
  /** When the last page was applied: a waiter times out only after that long without one. */
  private progressedAt = 0;
  readonly name: string;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projections: readonly Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.name = options.name ?? 'read-models';
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    const checkpoint = await this.dataSource
      .getRepository(ProjectionCheckpointEntity)
      .findOneBy({ name: this.name });
    this.position = checkpoint?.position ?? 0;
    this.lastError = undefined;
    this.subscription = this.store.subscribeToAll({
      after: this.position,
      batchSize: this.options.batchSize ?? 5_000,
      idleMs: this.options.idleMs ?? 50,
      onBatch: (events) => this.applyBatch(events),
      onError: (error) => {
        this.lastError = (error as Error).message;
        this.subscription = null;
        this.options.onError?.(error);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }

  /** Empties every projection's tables and replays the whole log. */
  async rebuild(): Promise<void> {
    await this.stop();
    await this.dataSource.transaction(async (manager) => {
      const tables = this.projections.flatMap((projection) => projection.tables);
      if (tables.length) await manager.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
      await manager.delete(ProjectionCheckpointEntity, { name: this.name });
    });
    await this.start();
  }

  /**
   * Resolves once the read models include the event at `position` (read-your-writes). Rejects
   * if they stall, `timeoutMs` without applying a page, or trail for `MAX_WAIT_MS` in all. A long
   * catch-up that keeps moving (the tens of thousands of events of a large matching run) is
   * waited out.
   */
  waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        const now = Date.now();
        const stalled = now - Math.max(started, this.progressedAt) >= timeoutMs;
        if (stalled || now - started >= MAX_WAIT_MS) {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          return reject(new ProjectionLagTimeoutError(position, this.position));
        }
        waiter.timer = setTimeout(check, Math.max(started, this.progressedAt) + timeoutMs - now);
      };
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(check, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  status() {
    return {
      running: this.subscription !== null,
      position: this.position,
      lastError: this.lastError,
    };
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1].globalPosition;
    await this.dataSource.transaction(async (manager) => {
      const upcast = this.options.upcast;
      const page = upcast ? events.map(upcast) : events;
      for (const projection of this.projections) {
        const own = page.filter((event) => projection.eventTypes.includes(event.type));
        if (own.length === 0) continue;
        if (projection.applyBatch) await projection.applyBatch(own, manager);
        else for (const event of own) await projection.apply(event, manager);
      }
      await manager.upsert(ProjectionCheckpointEntity, { name: this.name, position: last }, [
        'name',
      ]);
    });
    this.position = last;
    const reached = this.waiters.filter((waiter) => waiter.position <= last);
    this.waiters = this.waiters.filter((waiter) => waiter.position > last);
    reached.forEach((waiter) => waiter.resolve());
    this.progressedAt = Date.now();
  }
}
