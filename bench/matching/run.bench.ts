/**
 * A whole matching run through the service, on a large market: what `POST /v1/matching/runs`
 * costs beyond the matching itself, and how long it holds the event loop.
 *
 *   npm run bench:matching-run [-- --quick] [-- --embedded]
 *
 * The all-in-one app runs in this process on PostgreSQL (a fresh schema; --embedded: PGlite).
 * A market grown from the demo's (99 sites, 10,000 orders over a week; --quick: 18 sites, 2,000
 * orders) is placed through the public API, then one run is requested while a 5 ms timer records
 * the longest pause of the event loop. The reference is the matching alone (`matchOrders` inline,
 * on the same snapshot, read the way the service reads it), timed in the same process; the steps
 * around it (history fold, snapshot, hash, events) are timed the same way to show where the
 * rest goes. Then the run is read back (the wait for the read models to include it), and the
 * operator reads every allocation of the run, page after page, while the timer runs again. Figures go to stdout as `RESULT key=value`; progress goes to stderr.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hashOf, matchingSnapshot } from '@policloud/matching-runs';
import { runDecisions, runContextOf } from '@policloud/matching-runs';
import { MatchingThread } from '@policloud/matching-runs';
import { EVENT_STORE, EventStore } from '../../libs/event-store/src';
import { matchOrders } from '../../libs/matching/src';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
import { DataSource } from 'typeorm';
import { READ_MODELS } from '../../libs/http/src';
import { marketHistoryAt, ProjectionRunner, readMarketState } from '../../libs/projections/src';
import { PROJECTION_RUNNER } from '../../libs/runtime/src';
import { MatchingRun } from '../../scripts/demo/market-api';
import { populateMarket } from '../../scripts/demo/scenario';
import { longestPauseDuring } from '../../test/support/event-loop-pauses';
import { createTestSchema, TestSchema } from '../../test/support/postgres-test-database';
import { bootTestApp } from '../../test/support/test-app';
import { listenWithApi } from '../support/local-api';
import { hasFlag, progress, result } from '../support/bench-io';
import { benchmarkMarket } from './large-market';

const EMBEDDED = hasFlag('--embedded');

async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const operatorKey = randomBytes(32).toString('base64url');
  let schema: TestSchema | undefined;
  const env: Record<string, string> = { OPERATOR_API_KEY: operatorKey };
  if (!EMBEDDED) {
    schema = await createTestSchema('bench_matching_run');
    Object.assign(env, { EVENT_STORE: 'postgres', DATABASE_URL: schema.url });
  }
  const { app } = await bootTestApp(env);
  try {
    const { api, operator } = await listenWithApi(app, operatorKey);

    const seed = benchmarkMarket();
    progress(
      `${seed.sites.length} sites, ${seed.offers.length} offers, ${seed.orders.length} orders, ` +
        `${EMBEDDED ? 'embedded store' : 'PostgreSQL'}: placing them`,
    );
    const placed = await timed(() => populateMarket(api, operator, seed));
    progress(`market placed in ${(placed.ms / 1000).toFixed(1)} s (${api.requests} requests)`);

    // The reference and the steps around it, as the service performs them, on the same input.
    const store = app.get<EventStore>(EVENT_STORE);
    const position = await store.headPosition();
    const history = await timed(() => marketHistoryAt(store, position));
    const horizon = { from: seed.weekStart, to: seed.weekEnd };
    const snapshot = await timed(() => matchingSnapshot(history.value, horizon, 0));
    const hash = await timed(() => hashOf(snapshot.value));
    matchOrders(snapshot.value); // warm-up
    const matching = await timed(() => matchOrders(snapshot.value));
    const record = {
      runId: 'bench',
      requestedBy: 'bench',
      completedAt: new Date().toISOString(),
      horizon,
      inputPosition: position,
      inputHash: hash.value,
      platformFeeBps: 0,
    };
    const events = await timed(() =>
      runDecisions(record, matching.value, runContextOf(history.value)),
    );
    progress(
      `inline steps: history ${history.ms.toFixed(0)} ms, snapshot ${snapshot.ms.toFixed(0)} ms, ` +
        `hash ${hash.ms.toFixed(0)} ms, matching ${matching.ms.toFixed(0)} ms ` +
        `(${matching.value.allocations.length} allocations), events ${events.ms.toFixed(0)} ms ` +
        `(${events.value.reduce((sum, decision) => sum + decision.events.length, 0)} events in ` +
        `${events.value.length} streams)`,
    );

    // A steady state: the read models caught up with the market, the matching thread started.
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).waitFor(position, 600_000);
    // The market as a run reads it now (the read models, by horizon), against folding the log.
    const fromReadModels = await timed(() =>
      readMarketState(app.get<DataSource>(READ_MODELS), horizon),
    );
    const sameSnapshot =
      hashOf(matchingSnapshot(fromReadModels.value!.market, horizon, 0)) === hash.value;
    progress(
      `market from the read models: ${fromReadModels.ms.toFixed(0)} ms (folding the log: ` +
        `${history.ms.toFixed(0)} ms), same snapshot hash: ${sameSnapshot}`,
    );
    // Events the run writes per filled order, against one event per allocation, fill and draw.
    const written = events.value.reduce((sum, decision) => sum + decision.events.length, 0);
    const allocations = matching.value.allocations;
    const filledOrders = new Set(allocations.map((allocation) => allocation.orderId)).size;
    const perSlot =
      allocations.length * 2 +
      allocations.reduce((sum, allocation) => sum + allocation.energy.length, 0) +
      new Set(allocations.map((allocation) => allocation.siteId)).size +
      1;
    await app.get(MatchingThread).match(randomSnapshot({ seed: 1, orders: 5, sites: 1, slots: 2 }));

    let run: MatchingRun | undefined;
    const measured = await longestPauseDuring(async () => {
      run = await operator.post<MatchingRun>('/v1/matching/runs', horizon, 'bench:run');
    });
    progress(
      `POST /v1/matching/runs: ${measured.runMs.toFixed(0)} ms, ${run!.allocationCount} allocations, ` +
        `longest event-loop pause ${measured.pauseMs.toFixed(0)} ms`,
    );
    // What a client reading right after waits: the read models catching up with the run.
    const visible = await timed(() => operator.get(`/v1/matching/runs/${run!.id}`));
    progress(`GET /v1/matching/runs/:id right after: ${visible.ms.toFixed(0)} ms`);
    // The operator reads every allocation of the run, page after page.
    let listed = 0;
    const listing = await longestPauseDuring(async () => {
      listed = (await operator.getAll('/v1/allocations', { runId: run!.id })).length;
    });
    progress(
      `GET /v1/allocations?runId, every page: ${listed} allocations in ${listing.runMs.toFixed(0)} ms, ` +
        `longest event-loop pause ${listing.pauseMs.toFixed(0)} ms`,
    );
    result('run_ms', Math.round(measured.runMs));
    result('matching_ms_inline', Math.round(matching.ms));
    result('run_ms_vs_matching_ms', measured.runMs / matching.ms, 2);
    result('event_loop_pause_ms_run', Math.round(measured.pauseMs));
    result('pause_vs_matching_ms', measured.pauseMs / matching.ms, 3);
    result('read_models_after_run_ms', Math.round(visible.ms));
    result('list_run_allocations_ms', Math.round(listing.runMs));
    result('event_loop_pause_ms_listing', Math.round(listing.pauseMs));
    result('market_read_ms_read_models', Math.round(fromReadModels.ms));
    result('market_read_ms_log_fold', Math.round(history.ms));
    result('market_read_ratio_read_models_vs_fold', fromReadModels.ms / history.ms, 3);
    result('snapshot_hash_same_read_models_vs_fold', sameSnapshot ? 1 : 0);
    result('events_per_filled_order', written / filledOrders, 2);
    result('events_per_filled_order_one_per_slot', perSlot / filledOrders, 2);
    result('events_ratio_vs_one_per_slot', written / perSlot, 3);
  } finally {
    await app.close();
    await schema?.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
