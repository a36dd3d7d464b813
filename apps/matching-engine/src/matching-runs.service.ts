import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@policloud/config';
import {
  addHours,
  AllocationMade,
  DomainError,
  FieldError,
  MatchingRunCompleted,
  matchingRunStreamId,
  parseSlot,
  slotAt,
  slotHour,
  throwIfInvalid,
} from '@policloud/domain';
import {
  EVENT_STORE,
  EventStore,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '@policloud/event-store';
import { IdSource, ProblemException, READ_MODELS, stableStringify } from '@policloud/http';
import { marketHistoryAt, MatchingRunRow, ProjectionRunner } from '@policloud/projections';
import { APP_CONFIG, Clock, CLOCK, PROJECTION_RUNNER } from '@policloud/runtime';
import { Horizon, matchingSnapshot } from './matching-input';
import { MatchingThread } from './matching-thread';
import { allocationInputs, runBatches } from './run-events';

/** A week of hourly slots: the default horizon and the longest one. */
export const DEFAULT_HORIZON_HOURS = 168;
const MAX_HORIZON_HOURS = 24 * 31;
const ATTEMPTS = 3;

export interface RunRequester {
  actor: string;
  ids: IdSource;
}

export interface ReplayReport {
  runId: string;
  inputPosition: number;
  inputHashMatches: boolean;
  identical: boolean;
  recordedAllocations: number;
  replayedAllocations: number;
}

/**
 * Runs matching: reads the market as of the head of the log, matches, and appends the run with
 * its allocations, the energy consumed and the fills, all at the revisions it read.
 */
@Injectable()
export class MatchingRunsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    private readonly thread: MatchingThread,
  ) {}

  async run(request: { from?: string; to?: string }, requester: RunRequester) {
    const horizon = this.horizonOf(request);
    const runId = requester.ids('matching-run');
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const history = await this.historyAt(await this.store.headPosition());
      const snapshot = matchingSnapshot(history, horizon, this.config.platformFeeBps);
      const result = await this.thread.match(snapshot);
      const batches = runBatches(
        {
          runId,
          requestedBy: requester.actor,
          completedAt: this.clock.now().toISOString(),
          horizon,
          inputPosition: history.position,
          inputHash: hashOf(snapshot),
          platformFeeBps: this.config.platformFeeBps,
        },
        result,
        history,
      );
      try {
        const appended = await this.store.appendMany(batches);
        await this.projections.waitFor(Math.max(...appended.map((a) => a.lastGlobalPosition)));
        return this.get(runId);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // An order or offer changed while we matched: match again on the new state.
      }
    }
    throw new ProblemException(409, 'The market kept changing during matching; retry the run');
  }

  async get(runId: string) {
    const row = await this.readModels.getRepository(MatchingRunRow).findOneBy({ runId });
    if (!row) throw DomainError.notFound('Matching run', runId);
    return { id: runId, ...row.summary };
  }

  /** Re-executes a recorded run from its input position and compares the allocations. */
  async replay(runId: string): Promise<ReplayReport> {
    const events = await this.store
      .readStream(matchingRunStreamId(runId))
      .catch((error: unknown) => {
        if (error instanceof StreamNotFoundError) throw DomainError.notFound('Matching run', runId);
        throw error;
      });
    const completed = events.find((e) => e.type === 'MatchingRunCompleted')!
      .data as MatchingRunCompleted['data'];
    const recorded = events
      .filter((e) => e.type === 'AllocationMade')
      .map((e) => {
        const { runId: _, ...allocation } = e.data as AllocationMade['data'];
        return allocation;
      });
    const history = await this.historyAt(completed.inputPosition);
    const snapshot = matchingSnapshot(history, completed.horizon, completed.platformFeeBps);
    const replayed = allocationInputs(await this.thread.match(snapshot), history);
    return {
      runId,
      inputPosition: completed.inputPosition,
      inputHashMatches: hashOf(snapshot) === completed.inputHash,
      identical: stableStringify(replayed) === stableStringify(recorded),
      recordedAllocations: recorded.length,
      replayedAllocations: replayed.length,
    };
  }

  private historyAt(position: number) {
    return marketHistoryAt(this.store, position);
  }

  private horizonOf(request: { from?: string; to?: string }): Horizon {
    const errors: FieldError[] = [];
    const slot = (field: 'from' | 'to') => {
      const parsed = parseSlot(request[field], field);
      if (!parsed.ok) errors.push(...parsed.errors);
      return parsed.ok ? parsed.value : undefined;
    };
    const from =
      request.from === undefined
        ? slotAt(Math.floor(this.clock.now().getTime() / 3_600_000) + 1)
        : slot('from');
    const to =
      request.to === undefined
        ? from
          ? addHours(from, DEFAULT_HORIZON_HOURS)
          : undefined
        : slot('to');
    if (from && to) {
      const hours = slotHour(to) - slotHour(from);
      if (hours <= 0) errors.push({ field: 'to', message: 'must be after from' });
      if (hours > MAX_HORIZON_HOURS)
        errors.push({ field: 'to', message: `at most ${MAX_HORIZON_HOURS} hours after from` });
    }
    throwIfInvalid(errors);
    return { from: from!, to: to! };
  }
}

/** Lowercase hex SHA-256 of the snapshot's canonical JSON: what an auditor recomputes. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}
