import { setImmediate as nextTurn } from 'node:timers/promises';
import { DataSource, EntityManager, Like } from 'typeorm';
import {
  BackoffPolicy,
  backoffDelay,
  DEFAULT_BACKOFF,
  EventStore,
  RecordedEvent,
  Subscription,
  WorkerStatus,
} from '@policloud/event-store';
import { Projection } from './projection';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { PositionWaiters } from './position-waiters';

export interface ProjectionRunnerOptions {
  /** Checkpoint name of this runner. */
  name?: string;
  batchSize?: number;
  idleMs?: number;
  /** Brings old event versions to the current one before projections see them. */
  upcast?: (event: RecordedEvent) => RecordedEvent;
  /** A page could not be applied at all (e.g. the database went away); it is retried. */
  onError?: (error: unknown, retryInMs: number) => void;
  /** One projection failed on one event and was halted; the others go on. */
  onProjectionFailed?: (failure: ProjectionFailure) => void;
  /** A halted projection caught up again. */
  onProjectionRecovered?: (name: string) => void;
  retry?: BackoffPolicy;
}

/** Events a projection applies between two turns of the event loop. */
const EVENTS_PER_SLICE = 500;

export { ProjectionLagTimeoutError } from './projection-lag-timeout.error';

/** A projection halted on one event: what an operator needs to find and fix it. */
export interface ProjectionFailure {
  projection: string;
  /** The log position it has applied up to; it resumes after it. */
  position: number;
  event?: { position: number; id: string; type: string; streamId: string };
  error: string;
  /** Consecutive failed attempts. */
  failures: number;
  since: string;
  /** When it is tried again (ISO 8601). */
  nextRetryAt: string;
}

export interface ProjectionRunnerStatus extends WorkerStatus {
  running: boolean;
  position: number;
  /** When the read models last applied a page (ms since the epoch), 0 before they first did. */
  lastProgressAt: number;
  /** Projections halted on an event, retried with backoff; empty when every read model is current. */
  failing: ProjectionFailure[];
}

interface Halted extends ProjectionFailure {
  timer?: NodeJS.Timeout;
}

/**
 * Applies the global log to the read models. Each page of events is applied in one transaction
 * that also moves the checkpoint: a crash never applies an event twice nor skips one.
 *
 * Failure policy. A page that cannot be applied at all (connection lost, timeout) is retried
 * from the checkpoint with backoff. A projection that throws on an event is halted alone: its
 * work on that page is rolled back to a savepoint, the offending event is found, its own
 * checkpoint stays just before it, and it is retried with backoff (catching up from there) while
 * every other projection goes on. Nothing is skipped: a halted projection's rows stay at their
 * last consistent state until the event applies.
 */
export class ProjectionRunner {
  private subscription: Subscription | null = null;
  private readonly reached = new PositionWaiters();
  private readonly halted = new Map<string, Halted>();
  /** Serialises page applications and halted projections' catch-up steps. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private stopped = true;
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
    const repository = this.dataSource.getRepository(ProjectionCheckpointEntity);
    const checkpoint = await repository.findOneBy({ name: this.name });
    const checkpoints = await repository.findBy({ name: Like(`${this.name}/%`) });
    this.reached.reset(checkpoint?.position ?? 0);
    this.stopped = false;
    // Projections halted before a restart resume from their own checkpoints, at once.
    for (const row of checkpoints) {
      const projection = this.projections.find((p) => this.checkpointOf(p) === row.name);
      if (!projection) continue;
      this.halt({
        projection: projection.name,
        position: row.position,
        error: 'halted before the last restart; catching up',
        failures: 0,
        since: new Date().toISOString(),
        nextRetryAt: new Date().toISOString(),
      });
    }
    this.subscription = this.store.subscribeToAll({
      after: this.reached.position,
      batchSize: this.options.batchSize ?? 5_000,
      idleMs: this.options.idleMs ?? 50,
      retry: this.options.retry,
      onBatch: (events) => this.serially(() => this.applyBatch(events)),
      onError: (error, retryInMs) => this.options.onError?.(error, retryInMs),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const halted of this.halted.values()) clearTimeout(halted.timer);
    await this.subscription?.stop();
    this.subscription = null;
    await this.exclusive;
  }

  /** Empties every projection's tables and replays the whole log. */
  async rebuild(): Promise<void> {
    await this.stop();
    this.halted.clear();
    await this.dataSource.transaction(async (manager) => {
      const tables = this.projections.flatMap((projection) => projection.tables);
      if (tables.length) await manager.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')}`);
      await manager.delete(ProjectionCheckpointEntity, { name: this.name });
      await manager.delete(ProjectionCheckpointEntity, { name: Like(`${this.name}/%`) });
    });
    await this.start();
  }

  /**
   * Resolves once the read models include the event at `position` (read-your-writes). Rejects
   * if they stall, `timeoutMs` without applying a page, or trail for two minutes in all. A long
   * catch-up that keeps moving (the tens of thousands of events of a large matching run) is
   * waited out. A halted projection does not hold reads back (see the failure policy).
   */
  waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    return this.reached.waitFor(position, timeoutMs);
  }

  status(): ProjectionRunnerStatus {
    const subscription = this.subscription?.status() ?? { state: 'stopped' as const, failures: 0 };
    return {
      running: subscription.state !== 'stopped',
      ...subscription,
      position: this.reached.position,
      lastProgressAt: this.reached.lastProgressAt,
      failing: [...this.halted.values()].map(({ timer: _timer, ...failure }) => failure),
    };
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(work, work);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private checkpointOf(projection: Projection): string {
    return `${this.name}/${projection.name}`;
  }

  private upcast(events: RecordedEvent[]): RecordedEvent[] {
    const upcast = this.options.upcast;
    return upcast ? events.map(upcast) : events;
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1].globalPosition;
    const page = this.upcast(events);
    const failures: ProjectionFailure[] = [];
    await this.dataSource.transaction(async (manager) => {
      for (const projection of this.projections) {
        if (this.halted.has(projection.name)) continue;
        const own = page.filter((event) => projection.eventTypes.includes(event.type));
        if (own.length === 0) continue;
        const failure = await this.applyIsolated(projection, own, manager);
        if (!failure) continue;
        failures.push(failure);
        await manager.upsert(
          ProjectionCheckpointEntity,
          { name: this.checkpointOf(projection), position: failure.position },
          ['name'],
        );
      }
      await manager.upsert(ProjectionCheckpointEntity, { name: this.name, position: last }, [
        'name',
      ]);
    });
    // Only once committed: a rolled-back page is retried whole, with no projection halted.
    failures.forEach((failure) => this.halt(failure));
    this.reached.advance(last);
  }

  /**
   * Applies one projection's events under a savepoint. When the projection throws, its work is
   * rolled back and replayed event by event to find the one it fails on; the events before it
   * stay applied. A failure of the transaction itself (the savepoint cannot be rolled back to)
   * propagates: the whole page is then retried.
   */
  private async applyIsolated(
    projection: Projection,
    events: RecordedEvent[],
    manager: EntityManager,
  ): Promise<ProjectionFailure | null> {
    if (await this.trySavepoint(manager, () => applyEvents(projection, events, manager)))
      return null;
    for (const event of events) {
      let error: unknown;
      const applied = await this.trySavepoint(
        manager,
        () => applyEvents(projection, [event], manager),
        (failure) => (error = failure),
      );
      if (applied) continue;
      const now = new Date().toISOString();
      return {
        projection: projection.name,
        position: event.globalPosition - 1,
        event: {
          position: event.globalPosition,
          id: event.id,
          type: event.type,
          streamId: event.streamId,
        },
        error: error instanceof Error ? error.message : String(error),
        failures: 1,
        since: now,
        nextRetryAt: now,
      };
    }
    return null;
  }

  private async trySavepoint(
    manager: EntityManager,
    work: () => Promise<void>,
    onError?: (error: unknown) => void,
  ): Promise<boolean> {
    await manager.query('SAVEPOINT projection_apply');
    try {
      await work();
      await manager.query('RELEASE SAVEPOINT projection_apply');
      return true;
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT projection_apply');
      onError?.(error);
      return false;
    }
  }

  /** Records a halted projection and schedules its next attempt (at once when `failures` is 0). */
  private halt(failure: ProjectionFailure): void {
    const previous = this.halted.get(failure.projection);
    clearTimeout(previous?.timer);
    const delay =
      failure.failures === 0
        ? 0
        : backoffDelay(failure.failures, this.options.retry ?? DEFAULT_BACKOFF);
    const halted: Halted = {
      ...failure,
      since: previous?.since ?? failure.since,
      nextRetryAt: new Date(Date.now() + delay).toISOString(),
    };
    if (failure.failures > 0) this.options.onProjectionFailed?.(halted);
    halted.timer = setTimeout(() => void this.retry(failure.projection), delay);
    this.halted.set(failure.projection, halted);
  }

  /** Catches a halted projection up, a page at a time, until it reaches the others or fails. */
  private async retry(name: string): Promise<void> {
    const projection = this.projections.find((p) => p.name === name)!;
    const batchSize = this.options.batchSize ?? 5_000;
    try {
      for (;;) {
        if (this.stopped) return;
        const done = await this.serially(async () => {
          const halted = this.halted.get(name);
          if (!halted || this.stopped) return true;
          const target = this.reached.position;
          const page = (
            await this.store.readAll({ after: halted.position, maxCount: batchSize })
          ).filter((event) => event.globalPosition <= target);
          const last = page.at(-1)?.globalPosition ?? target;
          const own = this.upcast(page).filter((event) =>
            projection.eventTypes.includes(event.type),
          );
          let failure: ProjectionFailure | null = null;
          await this.dataSource.transaction(async (manager) => {
            failure = own.length ? await this.applyIsolated(projection, own, manager) : null;
            const reached = failure ? failure.position : last;
            if (reached >= target) {
              await manager.delete(ProjectionCheckpointEntity, {
                name: this.checkpointOf(projection),
              });
            } else {
              await manager.upsert(
                ProjectionCheckpointEntity,
                { name: this.checkpointOf(projection), position: reached },
                ['name'],
              );
            }
          });
          if (failure) {
            this.halt({ ...(failure as ProjectionFailure), failures: halted.failures + 1 });
            return true;
          }
          if (last >= target) {
            clearTimeout(halted.timer);
            this.halted.delete(name);
            this.options.onProjectionRecovered?.(name);
            return true;
          }
          halted.position = last;
          return false;
        });
        if (done) return;
      }
    } catch (error) {
      // The database itself failed: keep the known cause, try again later.
      const halted = this.halted.get(name);
      if (halted && !this.stopped) {
        this.halt({
          ...halted,
          failures: halted.failures + 1,
          error: halted.event ? halted.error : (error as Error).message,
        });
      }
    }
  }
}

async function applyEvents(
  projection: Projection,
  events: RecordedEvent[],
  manager: EntityManager,
): Promise<void> {
  if (!projection.applyBatch) {
    for (const event of events) await projection.apply(event, manager);
    return;
  }
  // A page of a large matching run is thousands of allocations, each made into rows: a slice
  // at a time, a turn of the event loop between, so reads go on meanwhile. In order, as one batch.
  for (let start = 0; start < events.length; start += EVENTS_PER_SLICE) {
    if (start > 0) await nextTurn();
    await projection.applyBatch(events.slice(start, start + EVENTS_PER_SLICE), manager);
  }
}
