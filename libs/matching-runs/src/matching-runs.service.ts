import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@policloud/config';
import {
  addHours,
  allocationsIn,
  DomainError,
  eventOfType,
  expectEvent,
  FieldError,
  matchingRunStreamId,
  parseSlot,
  slotAt,
  slotHour,
  StoredEventLike,
  throwIfInvalid,
} from '@policloud/domain';
import {
  EVENT_STORE,
  EventStore,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '@policloud/event-store';
import { canonicalJson } from '@policloud/audit';
import { IdSource, ProblemException, READ_MODELS } from '@policloud/http';
import {
  marketHistoryAt,
  MarketState,
  MatchingRunRow,
  UnfilledOrderRow,
  ProjectionLagTimeoutError,
  readMarketState,
} from '@policloud/projections';
import {
  APP_CONFIG,
  Clock,
  CLOCK,
  CommandHandler,
  METRICS,
  Metrics,
  ReadModelBarrier,
} from '@policloud/runtime';
import { Horizon, matchingSnapshot } from './matching-input';
import { MatchingThread, RecordedRun } from './matching-thread';
import { runContextOf, runEventId } from './run-events';

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
  private readonly logger = new Logger('Matching');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    private readonly thread: MatchingThread,
    @Inject(METRICS) private readonly metrics: Metrics,
    private readonly commands: CommandHandler,
    private readonly barrier: ReadModelBarrier,
  ) {}

  async run(request: { from?: string; to?: string }, requester: RunRequester) {
    const horizon = this.horizonOf(request);
    const runId = requester.ids('matching-run');
    // A retried request whose run was recorded gets that run, not a new match on a later market.
    const recorded = await this.recordedSummary(runId);
    if (recorded) return recorded;
    const started = process.hrtime.bigint();
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const market = await this.marketFor(horizon);
      const { decisions } = await this.record(market, horizon, this.config.platformFeeBps, {
        runId,
        requestedBy: requester.actor,
        completedAt: () => this.clock.now().toISOString(),
      });
      try {
        await this.commands.commit(decisions, {
          eventId: (streamId, index) => runEventId(runId, streamId, index),
          metadata: { actor: requester.actor, correlationId: runId },
        });
        // Answered once durable, as every command is; reads wait for the read models themselves.
        const own = decisions.find((d) => d.streamId === matchingRunStreamId(runId))!;
        const summary = summaryOf(own.events);
        this.recordRun(summary, Number(process.hrtime.bigint() - started) / 1e9, attempt);
        return summary;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // Another run took GPUs of a site we allocate on, or an order or offer changed while we
        // matched: match again on the new state.
      }
    }
    throw new ProblemException(409, 'The market kept changing during matching; retry the run');
  }

  private recordRun(
    summary: ReturnType<typeof summaryOf>,
    seconds: number,
    attempts: number,
  ): void {
    this.metrics.matchingRunDuration.observe(seconds);
    this.metrics.matchingRunAllocations.observe(summary.allocationCount);
    this.logger.log({
      msg: 'matching run recorded',
      runId: summary.runId,
      requestedBy: summary.requestedBy,
      inputPosition: summary.inputPosition,
      allocations: summary.allocationCount,
      filledGpuHours: summary.filledGpuHours,
      unfilledOrders: summary.unfilledOrderIds.length,
      welfare: summary.welfare,
      durationMs: Math.round(seconds * 1000),
      attempts,
    });
  }

  async get(runId: string) {
    const row = await this.readModels.getRepository(MatchingRunRow).findOneBy({ runId });
    if (!row) throw DomainError.notFound('Matching run', runId);
    const unfilled = await this.readModels
      .getRepository(UnfilledOrderRow)
      .find({ where: { runId }, order: { orderId: 'ASC' } });
    return { id: runId, ...row.summary, unfilled: unfilled.map((u) => u.reason) };
  }

  /** Re-executes a recorded run from its input position and compares the allocations. */
  async replay(runId: string): Promise<ReplayReport> {
    const events = await this.store
      .readStream(matchingRunStreamId(runId))
      .catch((error: unknown) => {
        if (error instanceof StreamNotFoundError) throw DomainError.notFound('Matching run', runId);
        throw error;
      });
    const completed = expectEvent(events[events.length - 1], 'MatchingRunCompleted').data;
    // One allocation per order and slot, whether the run recorded them one by one (v1) or by range.
    const recorded = inEngineOrder(
      events
        .flatMap((e) => eventOfType(e, 'AllocationMade') ?? [])
        .flatMap((e) => allocationsIn(e.data))
        .map(({ runId: _, ...allocation }) => allocation),
    );
    const history = await this.historyAt(completed.inputPosition);
    const { snapshot, context } = await this.inputsOf(
      history,
      completed.horizon,
      completed.platformFeeBps,
    );
    const replayed = await this.thread.replay(snapshot, context);
    return {
      runId,
      inputPosition: completed.inputPosition,
      inputHashMatches: replayed.inputHash === completed.inputHash,
      identical: await sameAllocations(inEngineOrder(replayed.allocations), recorded),
      recordedAllocations: recorded.length,
      replayedAllocations: replayed.allocations.length,
    };
  }

  /**
   * The market a run matches: the read models once they include everything committed before the
   * run, read at their checkpoint, which the run records as its input position. Folding the log
   * instead (what a replay does) gives the same snapshot; it is the fallback while the read
   * models cannot stand for the log (a halted projection, rows from before the market state).
   */
  async marketFor(horizon: Horizon): Promise<MarketState> {
    try {
      await this.barrier.catchUp();
      const read = await readMarketState(this.readModels, horizon);
      if (read) return read.market;
    } catch (error) {
      if (!(error instanceof ProjectionLagTimeoutError)) throw error;
    }
    this.logger.warn({ msg: 'read models behind or incomplete: the run folds the log' });
    return this.historyAt(await this.store.headPosition());
  }

  /**
   * Matches the market as of `history` and builds the run's events, on the matching thread: the
   * snapshot, its hash and the events are all built there, the market crossing in parts.
   */
  private record(
    history: MarketState,
    horizon: Horizon,
    platformFeeBps: number,
    run: { runId: string; requestedBy: string; completedAt: () => string },
  ): Promise<RecordedRun> {
    const { completedAt, ...identity } = run;
    return this.thread.recordMarket(
      history,
      { ...identity, horizon, inputPosition: history.position, platformFeeBps },
      completedAt,
    );
  }

  /** What the matching thread needs from the market as of `history`. */
  private async inputsOf(history: MarketState, horizon: Horizon, platformFeeBps: number) {
    // Each step is tens of milliseconds on a large market: a turn of the event loop between.
    const snapshot = matchingSnapshot(history, horizon, platformFeeBps);
    await nextTurn();
    const context = runContextOf(history);
    await nextTurn();
    return { snapshot, context };
  }

  /** The recorded run's summary, from the completion its stream ends with; undefined if none. */
  private async recordedSummary(runId: string) {
    try {
      // The completion, and the reasons just before it (if any order was left unfilled).
      const lastTwo = await this.store.readStream(matchingRunStreamId(runId), {
        direction: 'backwards',
        maxCount: 2,
      });
      return summaryOf([...lastTwo].reverse());
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
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

/** Allocations in the engine's order (slot, site, order): how ranges and replays compare. */
function inEngineOrder<Allocation extends { slot: string; siteId: string; orderId: string }>(
  allocations: readonly Allocation[],
): Allocation[] {
  const key = (a: Allocation) => [a.slot, a.siteId, a.orderId];
  return [...allocations].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
}

/**
 * Whether two runs' allocations are the same, in the same order, field for field. A thousand at a
 * time with a turn of the event loop between: a large run holds tens of thousands.
 */
async function sameAllocations(
  replayed: readonly object[],
  recorded: readonly object[],
): Promise<boolean> {
  if (replayed.length !== recorded.length) return false;
  for (let start = 0; start < recorded.length; start += 1_000) {
    for (let i = start; i < Math.min(start + 1_000, recorded.length); i++) {
      if (canonicalJson(replayed[i]) !== canonicalJson(recorded[i])) return false;
    }
    await nextTurn();
  }
  return true;
}

/**
 * The run as GET /v1/matching/runs/:id shows it, from the completion its stream ends with and
 * the reasons recorded before it (`events`: the run's last events, in stream order).
 */
function summaryOf(events: readonly StoredEventLike[]) {
  const completed = expectEvent(events[events.length - 1], 'MatchingRunCompleted').data;
  const reasons =
    events.length > 1 ? eventOfType(events[events.length - 2], 'OrdersLeftUnfilled') : undefined;
  return { id: completed.runId, ...completed, unfilled: reasons?.data.orders ?? [] };
}
