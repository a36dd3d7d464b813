import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, withTimeout } from '@policloud/event-store';
import { CheckpointFollower, ProjectionRunner } from '@policloud/projections';
import { PROJECTION_RUNNER } from '../runtime.tokens';
import { SharedHeadReads } from './shared-head-reads';

/** How long a read waits for the read models before it is answered 503. */
export const CATCH_UP_TIMEOUT_MS = 10_000;

/**
 * Read-your-writes on the read side: commands answer as soon as their events are durable, and a
 * read first waits until the read models include everything committed before it arrived. A
 * client that reads after one of its writes was answered therefore always sees that write.
 */
@Injectable()
export class ReadModelBarrier {
  private readonly head: SharedHeadReads;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    private readonly follower: CheckpointFollower,
  ) {
    this.head = new SharedHeadReads(() => store.headPosition());
  }

  /**
   * Resolves once the read models include every event committed before the call. Reading the
   * head is bounded by the same timeout: a locked or silent database answers 503 in time.
   */
  async catchUp(timeoutMs = CATCH_UP_TIMEOUT_MS): Promise<void> {
    const head = await withTimeout(this.head.read(), timeoutMs, 'reading the head of the log');
    await this.reach(head, timeoutMs);
  }

  /** Resolves once the read models include the event at `position`. */
  reach(position: number, timeoutMs = CATCH_UP_TIMEOUT_MS): Promise<void> {
    // The runner of this process when it leads the projections; else the leader's checkpoint.
    const readModels = this.projections.status().running ? this.projections : this.follower;
    return readModels.waitFor(position, timeoutMs);
  }

  /**
   * Read models halted on an event (their rows stay as they were before it, see the runner's
   * failure policy): reads from them are stale until the event applies.
   */
  async haltedReadModels(): Promise<string[]> {
    const status = this.projections.status();
    if (status.running) return status.failing.map((failure) => failure.projection).sort();
    return this.follower.haltedProjections();
  }
}
