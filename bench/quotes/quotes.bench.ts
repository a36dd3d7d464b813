/**
 * Quotes on the 10,000-order benchmark market: what `POST /v1/quotes` costs a buyer.
 *
 *   npm run bench:quotes [-- --quick] [-- --smoke]
 *
 * The all-in-one app runs in this process on PostgreSQL (a fresh schema). The market of the
 * matching-run benchmark (99 sites, 10,000 orders over a week; --quick: 18 sites, 2,000 orders)
 * is placed through the public API and matched once, so quotes price the residual market with
 * the open orders competing. Then buyers ask for quotes shaped like the market's orders (sizes,
 * windows, bids, constraints drawn from it), one after another, after a warm-up that brings the
 * in-memory market up to date. The reference, timed the same way in the same run, is a plain
 * read of one order (`GET /v1/compute-orders/:id`). Figures go to stdout as `RESULT key=value`.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EVENT_STORE, EventStore } from '../../libs/event-store/src';
import { ProjectionRunner } from '../../libs/projections/src';
import { PROJECTION_RUNNER } from '../../libs/runtime/src';
import { MatchingRun } from '../../scripts/demo/market-api';
import { prng } from '../../scripts/demo/profiles';
import { populateMarket } from '../../scripts/demo/scenario';
import { createTestSchema } from '../../test/support/postgres-test-database';
import { bootTestApp } from '../../test/support/test-app';
import { benchmarkMarket } from '../matching/large-market';
import { listenWithApi } from '../support/local-api';
import { bySize, progress, result } from '../support/bench-io';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timings(count: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    ms.push(performance.now() - started);
  }
  return ms.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const operatorKey = randomBytes(32).toString('base64url');
  const schema = await createTestSchema('bench_quotes');
  const { app } = await bootTestApp({
    OPERATOR_API_KEY: operatorKey,
    EVENT_STORE: 'postgres',
    DATABASE_URL: schema.url,
  });
  try {
    const { api, operator } = await listenWithApi(app, operatorKey);

    const seed = benchmarkMarket();
    progress(
      `${seed.sites.length} sites, ${seed.offers.length} offers, ${seed.orders.length} orders: placing them`,
    );
    const { orderRefs, keys } = await populateMarket(api, operator, seed);
    const run = await operator.post<MatchingRun>(
      '/v1/matching/runs',
      { from: seed.weekStart, to: seed.weekEnd },
      'bench:quotes:run',
    );
    progress(`matched: ${run.allocationCount} allocations`);
    // A steady state: the read models (the reference reads them) caught up with the run.
    const head = await app.get<EventStore>(EVENT_STORE).headPosition();
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).waitFor(head, 600_000);

    // Quotes shaped like the market's own orders, asked by their buyers.
    const random = prng(11);
    const quotes = bySize({ full: 200, quick: 100, smoke: 10 });
    const bodies = Array.from({ length: quotes }, () => {
      const { ref: _, buyerId, ...order } = seed.orders[Math.floor(random() * seed.orders.length)];
      return { buyer: api.as(keys.get(buyerId)!), order };
    });
    const orderIds = [...orderRefs.keys()];
    const owner = new Map(seed.orders.map((order) => [order.ref, order.buyerId]));
    const reads = orderIds.slice(0, quotes).map((id) => ({
      caller: api.as(keys.get(owner.get(orderRefs.get(id)!)!)!),
      id,
    }));

    // Warm-up: the first quote after the run (the in-memory market may still be folding it).
    const warm = await timings(1, () => bodies[0].buyer.post('/v1/quotes', bodies[0].order));
    progress(`first quote after the run: ${warm[0].toFixed(0)} ms`);
    await timings(3, (i) =>
      bodies[i % bodies.length].buyer.post('/v1/quotes', bodies[i % bodies.length].order),
    );

    let filled = 0;
    const quoteMs = await timings(quotes, async (i) => {
      const quote = await bodies[i].buyer.post<{ fill: string }>('/v1/quotes', bodies[i].order);
      if (quote.fill !== 'none') filled++;
    });
    const readMs = await timings(reads.length, (i) =>
      reads[i].caller.get(`/v1/compute-orders/${reads[i].id}`),
    );
    const p95 = percentile(quoteMs, 95);
    const readP95 = percentile(readMs, 95);
    progress(
      `${quotes} quotes (${filled} would fill at least partly): p50 ${percentile(quoteMs, 50).toFixed(0)} ms, ` +
        `p95 ${p95.toFixed(0)} ms; GET order p95 ${readP95.toFixed(1)} ms`,
    );
    result('orders', seed.orders.length);
    result('quotes', quotes);
    result('quote_p50_ms', Math.round(percentile(quoteMs, 50)));
    result('quote_p95_ms', Math.round(p95));
    result('get_order_p95_ms', readP95, 1);
    result('quote_p95_vs_get_order_p95', p95 / readP95, 1);
    result('quote_first_ms', Math.round(warm[0]));
  } finally {
    await app.close();
    await schema.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
