/**
 * The 2030 network through the service: the all-in-one app in this process on PostgreSQL (a
 * fresh schema), the network placed through the public API (requests in parallel), then one
 * matching run over its week, as `POST /v1/matching/runs`:
 * - `run_to_durable_ms_<size>`: the request until the run's events are durable (its answer);
 * - `reads_served_after_ms`: from then until the run and the first page of its allocations read back;
 * - `max_event_loop_pause_ms`: the longest pause of the event loop during the run (5 ms timer);
 * - `events_per_filled_order`: events the run appended per order it filled (in part or whole).
 * History: in a second app and schema, a smaller market (`HISTORY`) is matched week after
 * week, the same sites and as many orders each week; `run_ms_ratio_12w_vs_1w` is the time of
 * the run after 12 weeks of history (week 13) over the run after one (week 2): how a run's
 * cost grows with the history.
 *
 * Knobs (environment), to look into one figure without the whole leg:
 * - `BENCH_NETWORK_ORDERS` / `BENCH_NETWORK_SITES`: another size for the main week;
 * - `BENCH_SKIP_HISTORY=1`: the main week only;
 * - `BENCH_PLACE_IN_PROCESS=1`: orders placed through the app's own order service (the same
 *   command handler and store as the API, without HTTP), a large market's placement in a
 *   fraction of the time; the run itself is still `POST /v1/matching/runs`;
 * - `BENCH_PAUSE_TRACE=1`: every event-loop pause over 50 ms during the run, with when it began;
 * - `BENCH_CPU_PROFILE=<file>`: a CPU profile of the main thread during the run (`.cpuprofile`).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { idsFor } from '@policloud/http';
import { ComputeOrdersService } from '../../apps/marketplace-api/src/compute-orders/compute-orders.service';
import { PlaceComputeOrderDto } from '../../apps/marketplace-api/src/compute-orders/compute-orders.dto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, EventStore } from '../../libs/event-store/src';
import { MatchingThread } from '../../libs/matching-runs/src';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
import { ProjectionRunner } from '../../libs/projections/src';
import { PROJECTION_RUNNER } from '../../libs/runtime/src';
import { ApiClient, Caller } from '../../scripts/demo/api-client';
import { MatchingRun, Written } from '../../scripts/demo/market-api';
import { MarketSeed, OrderSeed } from '../../scripts/demo/seed';
import { longestPauseDuring } from '../../test/support/event-loop-pauses';
import { createTestSchema } from '../../test/support/postgres-test-database';
import { bootTestApp } from '../../test/support/test-app';
import { bySize, progress, result } from '../support/bench-io';
import { listenWithApi } from '../support/local-api';
import { buildNetwork } from './network';

const HOUR_MS = 3_600_000;
const WEEK_MS = 168 * HOUR_MS;
/** Requests in flight while placing the market. */
const CONCURRENCY = 32;
/** Weeks of history before the last run measured (a smoke run only proves the loop works). */
const HISTORY_WEEKS = bySize({ full: 12, quick: 12, smoke: 2 });
/** The market matched week after week for the history figure. */
const HISTORY = bySize({
  full: { sites: 100, orders: 2_000 },
  quick: { sites: 20, orders: 300 },
  smoke: { sites: 3, orders: 20 },
});
const CATCH_UP_MS = 1_800_000;

interface Service {
  app: NestFastifyApplication;
  api: ApiClient;
  operator: Caller;
  store: EventStore;
  close: () => Promise<void>;
}

async function bootService(prefix: string): Promise<Service> {
  const operatorKey = randomBytes(32).toString('base64url');
  const schema = await createTestSchema(prefix);
  // BENCH_SERVICE_LOG=<file>: the app's log lines (level info) go there, to see why a run failed.
  const logFile = process.env.BENCH_SERVICE_LOG;
  const { app } = await bootTestApp(
    { OPERATOR_API_KEY: operatorKey, EVENT_STORE: 'postgres', DATABASE_URL: schema.url },
    undefined,
    logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined,
  );
  const { api, operator } = await listenWithApi(app, operatorKey);
  return {
    app,
    api,
    operator,
    store: app.get<EventStore>(EVENT_STORE),
    close: async () => {
      await app.close();
      await schema.drop();
    },
  };
}

/** Runs `work` over `items`, `CONCURRENCY` at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Participants, sites, agreements and offers; returns each participant's key. */
async function placeNetwork(service: Service, seed: MarketSeed): Promise<Map<string, string>> {
  const { operator } = service;
  const keys = new Map<string, string>();
  await inParallel(seed.participants, async (participant) => {
    const created = await operator.post<{ id: string; apiKey: string }>(
      '/v1/participants',
      participant,
      `bench:participant:${participant.id}`,
    );
    keys.set(created.id, created.apiKey);
  });
  await inParallel(seed.sites, async (site) => {
    await operator.post<Written>('/v1/sites', site, `bench:site:${site.id}`);
  });
  const hosts = new Map(seed.sites.map((site) => [site.id, site.hostParticipantId]));
  await inParallel(seed.agreements, async (agreement) => {
    await operator.put(`/v1/sites/${agreement.siteId}/agreement`, {
      effectiveFrom: seed.agreementsEffectiveFrom,
      hostParticipantId: hosts.get(agreement.siteId),
      producers: agreement.producers.map((participantId) => ({ participantId })),
      producersShareBps: agreement.producersShareBps,
      hostShareBps: agreement.hostShareBps,
    });
  });
  await placeOffers(service, seed, keys);
  return keys;
}

async function placeOffers(
  service: Service,
  seed: MarketSeed,
  keys: Map<string, string>,
): Promise<void> {
  await inParallel(seed.offers, async ({ ref, producerId, ...offer }) => {
    await service.api
      .as(keys.get(producerId)!)
      .post<Written>('/v1/energy-offers', offer, `bench:offer:${ref}:${seed.weekStart}`);
  });
}

async function placeOrders(
  service: Service,
  orders: readonly OrderSeed[],
  keys: Map<string, string>,
  week: string,
): Promise<void> {
  await inParallel(orders, async ({ ref, buyerId, ...order }) => {
    await service.api
      .as(keys.get(buyerId)!)
      .post<Written>('/v1/compute-orders', order, `bench:order:${ref}:${week}`);
  });
}

/** The orders placed through the app's order service: the API's write path without HTTP. */
async function placeOrdersInProcess(
  service: Service,
  orders: readonly OrderSeed[],
  week: string,
): Promise<void> {
  const computeOrders = service.app.get(ComputeOrdersService);
  await inParallel(orders, async ({ ref, buyerId, ...order }) => {
    await computeOrders.place(order as unknown as PlaceComputeOrderDto, {
      actor: buyerId,
      ids: idsFor(`${buyerId}\u0000bench:order:${ref}:${week}`),
    });
  });
}

/** Pauses over 50 ms while `work` runs, with when each began (BENCH_PAUSE_TRACE). */
async function tracingPauses<T>(work: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_PAUSE_TRACE) return work();
  const started = performance.now();
  let last = started;
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - last > 50) {
      progress(`  pause ${(now - last).toFixed(0)} ms from ${last.toFixed(0)} ms`);
    }
    last = now;
  }, 5);
  // Collections of this thread's heap over 20 ms, on the same clock.
  const collections = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < 20) continue;
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      progress(
        `  gc ${entry.duration.toFixed(0)} ms (kind ${kind}) from ${entry.startTime.toFixed(0)} ms`,
      );
    }
  });
  collections.observe({ entryTypes: ['gc'] });
  try {
    return await work();
  } finally {
    clearInterval(ticker);
    collections.disconnect();
  }
}

/** A CPU profile of this thread while `work` runs, written to BENCH_CPU_PROFILE. */
async function profiling<T>(work: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return work();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, answer) => (error ? reject(error) : resolve(answer))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  // The profile's clock (microseconds) less performance.now()'s, to place the traced pauses.
  progress(
    `  profile clock offset ${Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000}`,
  );
  try {
    return await work();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

async function caughtUp(service: Service): Promise<void> {
  const position = await service.store.headPosition();
  await service.app.get<ProjectionRunner>(PROJECTION_RUNNER).waitFor(position, CATCH_UP_MS);
}

/** The matching thread started and warm, as in a service that has been up a while. */
async function warmUp(service: Service): Promise<void> {
  await service.app
    .get(MatchingThread)
    .match(randomSnapshot({ seed: 1, orders: 5, sites: 1, slots: 2 }));
}

interface RunFigures {
  run: MatchingRun;
  runMs: number;
  pauseMs: number;
  readsMs: number;
  events: number;
  /** The run's events by type: which ones make up `events_per_filled_order`. */
  eventsByType: Map<string, number>;
  filledOrders: number;
}

/** One matching run over the seed's week, measured. */
async function matchWeek(service: Service, seed: MarketSeed): Promise<RunFigures> {
  const { operator, store } = service;
  const before = await store.headPosition();
  let run: MatchingRun | undefined;
  let readsMs = 0;
  const measured = await profiling(() =>
    tracingPauses(async () => {
      const measured = await longestPauseDuring(async () => {
        const posted = performance.now();
        run = await operator.post<MatchingRun>(
          '/v1/matching/runs',
          { from: seed.weekStart, to: seed.weekEnd },
          `bench:run:${seed.weekStart}`,
        );
        if (process.env.BENCH_PAUSE_TRACE) {
          progress(
            `  run posted at ${posted.toFixed(0)} ms, answered at ${performance.now().toFixed(0)} ms`,
          );
        }
      });
      const readsStarted = performance.now();
      await operator.get(`/v1/matching/runs/${run!.id}`);
      await operator.get('/v1/allocations', { runId: run!.id });
      readsMs = performance.now() - readsStarted;
      return measured;
    }),
  );
  // What the run appended: every event after the position it started from.
  let events = 0;
  const eventsByType = new Map<string, number>();
  const filled = new Set<string>();
  for (let after = before; ;) {
    const page = await store.readAll({ after, maxCount: 10_000 });
    if (page.length === 0) break;
    for (const event of page) {
      events++;
      eventsByType.set(event.type, (eventsByType.get(event.type) ?? 0) + 1);
      const orderId = event.data.orderId;
      if (/Allocat/.test(event.type) && typeof orderId === 'string') filled.add(orderId);
    }
    after = page[page.length - 1].globalPosition;
  }
  return {
    run: run!,
    runMs: measured.runMs,
    pauseMs: measured.pauseMs,
    readsMs,
    events,
    eventsByType,
    filledOrders: filled.size,
  };
}

function sizeKey(orders: number): string {
  return orders % 1000 === 0 ? `${orders / 1000}k` : String(orders);
}

async function mainWeek(
  weekStart: Date,
  size: { sites: number; orders: number },
  seed: number,
): Promise<void> {
  const service = await bootService('bench_network_2030');
  try {
    const network = buildNetwork(weekStart, { ...size, seed });
    progress(
      `service: ${network.sites.length} sites, ${network.offers.length} offers, ` +
        `${network.orders.length} orders on PostgreSQL: placing them (${CONCURRENCY} in flight)`,
    );
    const placing = performance.now();
    const keys = await placeNetwork(service, network);
    if (process.env.BENCH_PLACE_IN_PROCESS) {
      await placeOrdersInProcess(service, network.orders, network.weekStart);
    } else {
      await placeOrders(service, network.orders, keys, network.weekStart);
    }
    progress(
      `  placed in ${((performance.now() - placing) / 1000).toFixed(1)} s (${service.api.requests} requests)`,
    );
    await caughtUp(service);
    await warmUp(service);
    const started = performance.now();
    const figures = await matchWeek(service, network).catch((error: unknown) => {
      // Today's service may not get through a run this size: say so, print the figures as NaN
      // and go on with the history.
      progress(
        `  the run failed after ${(performance.now() - started).toFixed(0)} ms: ${String(error)}`,
      );
      return undefined;
    });
    if (!figures) {
      for (const key of [
        `run_to_durable_ms_${sizeKey(size.orders)}`,
        'reads_served_after_ms',
        'max_event_loop_pause_ms',
        'events_per_filled_order',
      ])
        result(key, NaN);
      return;
    }
    progress(
      `  run ${figures.runMs.toFixed(0)} ms (${figures.run.allocationCount} allocations), reads ` +
        `${figures.readsMs.toFixed(0)} ms after, longest pause ${figures.pauseMs.toFixed(0)} ms, ` +
        `${figures.events} events for ${figures.filledOrders} filled orders`,
    );
    result(`run_to_durable_ms_${sizeKey(size.orders)}`, Math.round(figures.runMs));
    result('reads_served_after_ms', Math.round(figures.readsMs));
    result('max_event_loop_pause_ms', Math.round(figures.pauseMs));
    const perFilled = Math.max(1, figures.filledOrders);
    result('events_per_filled_order', figures.events / perFilled, 2);
    // Per event type (most first, then by name): which events make up the figure above.
    const byType = [...figures.eventsByType].sort(
      ([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : 1),
    );
    for (const [type, count] of byType) {
      progress(`    ${type}: ${count} (${(count / perFilled).toFixed(2)} per filled order)`);
      result(`events_per_filled_order_${type}`, count / perFilled, 2);
    }
  } finally {
    await service.close();
  }
}

async function history(weekStart: Date, seed: number): Promise<void> {
  const service = await bootService('bench_network_history');
  try {
    const first = buildNetwork(weekStart, { ...HISTORY, seed });
    progress(
      `history: ${first.sites.length} sites, ${HISTORY.orders} orders a week, ${HISTORY_WEEKS + 1} weeks`,
    );
    const keys = await placeNetwork(service, first);
    await warmUp(service);
    const runMs: number[] = [];
    // Week 1 starts the log; week 2's run is the one after one week of history, week 13's
    // the one after twelve (and neither pays the first run's warm-up).
    for (let week = 0; week <= HISTORY_WEEKS; week++) {
      // The same sites and producers each week; that week's surplus and orders.
      const market =
        week === 0
          ? first
          : buildNetwork(new Date(weekStart.getTime() + week * WEEK_MS), { ...HISTORY, seed });
      if (week > 0) await placeOffers(service, market, keys);
      await placeOrders(service, market.orders, keys, market.weekStart);
      await caughtUp(service);
      const figures = await matchWeek(service, market);
      runMs.push(figures.runMs);
      progress(`  week ${week + 1}: run ${figures.runMs.toFixed(0)} ms, ${figures.events} events`);
    }
    result('run_ms_1w', Math.round(runMs[1]));
    result(`run_ms_${HISTORY_WEEKS}w`, Math.round(runMs[HISTORY_WEEKS]));
    result(`run_ms_ratio_${HISTORY_WEEKS}w_vs_1w`, runMs[HISTORY_WEEKS] / runMs[1], 2);
  } finally {
    await service.close();
  }
}

export async function runServiceLeg(
  weekStart: Date,
  size: { sites: number; orders: number },
  seed: number,
): Promise<void> {
  const orders = Number(process.env.BENCH_NETWORK_ORDERS ?? size.orders);
  const sites = Number(process.env.BENCH_NETWORK_SITES ?? size.sites);
  await mainWeek(weekStart, { orders, sites }, seed);
  if (!process.env.BENCH_SKIP_HISTORY) await history(weekStart, seed);
}
