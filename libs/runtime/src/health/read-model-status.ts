import { Inject, Injectable, Optional } from '@nestjs/common';
import { EVENT_STORE, EventStore, withTimeout } from '@policloud/event-store';
import {
  CheckpointFollower,
  ProjectionRunner,
  ProjectionRunnerStatus,
} from '@policloud/projections';
import { PROJECTION_RUNNER } from '../runtime.tokens';
import { ProjectionsWorker } from '../workers/projections.worker';

export interface ReadModelLag {
  /** Events committed to the log that the read models have not applied. */
  events: number;
  /** Age of the oldest of them, 0 when caught up. */
  seconds: number;
  /**
   * How long the read models have been behind without applying anything: 0 when caught up or
   * catching up (a large matching run's events, applied page after page), the whole lag when
   * stuck. Readiness is judged on this one.
   */
  stalledSeconds: number;
}

/**
 * Seconds behind without progress: from the oldest unapplied event's commit, or from the last
 * page applied if that came later.
 */
export function stalledSeconds(
  oldestUnappliedAt: number,
  lastProgressAt: number,
  now: number,
): number {
  return Math.max(0, (now - Math.max(oldestUnappliedAt, lastProgressAt)) / 1000);
}

/**
 * Where the read models stand, seen from this process: the runner's own status where this
 * process leads the projections, else the checkpoint the leader committed (`standby`).
 */
@Injectable()
export class ReadModelStatus {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly follower: CheckpointFollower,
    @Optional() @Inject(ProjectionsWorker) private readonly worker: ProjectionsWorker | null,
  ) {}

  async status(timeoutMs: number): Promise<ProjectionRunnerStatus> {
    if (this.worker?.leading()) return this.runner.status();
    const position = await withTimeout(
      this.follower.refresh(),
      timeoutMs,
      'reading the read models checkpoint',
    );
    return {
      running: false,
      state: 'standby',
      failures: 0,
      position,
      lastProgressAt: this.follower.lastProgressAt,
      failing: [],
    };
  }

  /** How far `position` trails the head of the log; `lastProgressAt`: when it last moved. */
  async lagOf(position: number, lastProgressAt = 0): Promise<ReadModelLag> {
    const [next] = await this.store.readAll({ after: position, maxCount: 1 });
    if (!next) return { events: 0, seconds: 0, stalledSeconds: 0 };
    const head = await this.store.headPosition();
    const now = Date.now();
    const committedAt = Date.parse(next.recordedAt);
    return {
      events: Math.max(0, head - position),
      seconds: Math.max(0, (now - committedAt) / 1000),
      stalledSeconds: stalledSeconds(committedAt, lastProgressAt, now),
    };
  }
}
