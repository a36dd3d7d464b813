/**
 * Scale-out benchmark: orders placed per second through one marketplace-api replica, then
 * through two, and the projector's takeover time after its leader is killed.
 *
 *   npm run bench:scale-out [-- --quick | --smoke]
 *
 * The services run as the production topology runs them: separate OS processes started from
 * the build (`npm run build` first when dist is older than the sources), on a fresh PostgreSQL
 * schema at DATABASE_URL: a projector leader and its standby, two marketplace-api replicas
 * (Kafka off: the relay is not on the write path). A buyer is created over HTTP, then
 * autocannon, in this process (the servers have processes of their own), POSTs
 * /v1/compute-orders with the buyer's key and a fresh Idempotency-Key per request over keep-alive
 * connections: first all to replica 1, then the same number of connections split over both.
 * Each measured run follows a discarded warm-up. Any non-201 fails the bench, and the log must
 * hold one ComputeOrderPlaced per 201.
 *
 * Takeover: the projector leader is killed with SIGKILL and the standby's /health polled every
 * 50 ms until it runs the projections.
 *
 * On a 2-core box the two replicas, PostgreSQL and the load generator share the same cores, so
 * the ratio says what a second replica costs or buys here, not on separate machines.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { orderBody } from '../../test/support/marketplace-bodies';
import { createTestSchema, TestSchema } from '../../test/support/postgres-test-database';
import { ensureBuilt, ServiceProcess, sleep } from '../../test/support/service-processes';
import { bySize, progress, result } from '../support/bench-io';

// autocannon ships no types: the part of its API used here.
interface AutocannonResult {
  requests: { total: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: (AutocannonRequest & {
    setupRequest: (request: AutocannonRequest) => AutocannonRequest;
    onResponse?: (status: number, body: string) => void;
  })[];
}) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS without types
const autocannon = require('autocannon') as Autocannon;

const CONNECTIONS = bySize({ full: 16, quick: 16, smoke: 4 });
const DURATION_S = bySize({ full: 15, quick: 5, smoke: 2 });
const WARM_UP_S = bySize({ full: 3, quick: 2, smoke: 1 });

// The specs' default order (8 H100 × 4 h in France, bid 2.50 €).
const ORDER = JSON.stringify(orderBody());

interface Load {
  created: number;
  seconds: number;
  failures: string[];
}

/** `connections` keep-alive connections POSTing orders to `replica` for `seconds`. */
async function placeOrders(
  replica: ServiceProcess,
  buyerKey: string,
  connections: number,
  seconds: number,
): Promise<Load> {
  const failures: string[] = [];
  const run = await autocannon({
    url: replica.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/compute-orders',
        headers: { authorization: `Bearer ${buyerKey}`, 'content-type': 'application/json' },
        body: ORDER,
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, 'idempotency-key': randomUUID() },
        }),
        onResponse: (status, body) => {
          if (status !== 201 && failures.length < 5) failures.push(`${status} ${body}`);
        },
      },
    ],
  });
  if (run.errors || run.timeouts) failures.push(`${run.errors} errors, ${run.timeouts} timeouts`);
  return { created: run['2xx'], seconds: run.duration, failures };
}

/** Every replica at once, the connections split evenly; orders/s over the slowest run. */
async function ordersPerSecond(
  replicas: ServiceProcess[],
  buyerKey: string,
  seconds: number,
): Promise<{ rate: number; created: number }> {
  const runs = await Promise.all(
    replicas.map((replica) =>
      placeOrders(replica, buyerKey, CONNECTIONS / replicas.length, seconds),
    ),
  );
  const failures = runs.flatMap((run) => run.failures);
  if (failures.length) throw new Error(`orders refused: ${failures.join('; ')}`);
  const created = runs.reduce((sum, run) => sum + run.created, 0);
  return { rate: created / Math.max(...runs.map((run) => run.seconds)), created };
}

async function main(): Promise<void> {
  ensureBuilt();
  const schema: TestSchema = await createTestSchema('bench_scale_out');
  const operatorKey = `op-${randomUUID()}`;
  const env = {
    EVENT_STORE: 'postgres',
    DATABASE_URL: schema.url,
    OPERATOR_API_KEY: operatorKey,
    KAFKA_BROKERS: '',
    LOG_LEVEL: 'warn',
    AUDIT_SEAL_INTERVAL_SECONDS: '0',
  };
  const processes: ServiceProcess[] = [];
  const start = async (service: 'projector' | 'marketplace-api', label: string) => {
    const started = await ServiceProcess.start(service, env, { label });
    processes.push(started);
    await started.waitUntilListening();
    return started;
  };
  const leads = async (projector: ServiceProcess) => {
    const response = await fetch(`${projector.url}/health`).catch(() => null);
    const health = (await response?.json().catch(() => null)) as {
      projections?: { state?: string };
    } | null;
    return health?.projections?.state === 'running';
  };
  const sql = new Client({ connectionString: schema.url });
  try {
    progress('starting the projector leader, its standby and two marketplace-api replicas');
    const leader = await start('projector', 'projector-1');
    while (!(await leads(leader))) await sleep(100);
    const [standby, api1, api2] = await Promise.all([
      start('projector', 'projector-2'),
      start('marketplace-api', 'api-1'),
      start('marketplace-api', 'api-2'),
    ]);
    const buyer = await fetch(`${api1.url}/v1/participants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench buyer', roles: ['buyer'], country: 'FR' }),
    });
    if (buyer.status !== 201) throw new Error(`buyer: ${buyer.status} ${await buyer.text()}`);
    const buyerKey = ((await buyer.json()) as { apiKey: string }).apiKey;

    progress(
      `one replica: ${CONNECTIONS} connections, ${DURATION_S} s (after ${WARM_UP_S} s warm-up)`,
    );
    await ordersPerSecond([api1], buyerKey, WARM_UP_S);
    const one = await ordersPerSecond([api1], buyerKey, DURATION_S);
    progress(`two replicas: ${CONNECTIONS / 2} connections each, ${DURATION_S} s`);
    await ordersPerSecond([api1, api2], buyerKey, WARM_UP_S);
    const two = await ordersPerSecond([api1, api2], buyerKey, DURATION_S);

    await sql.connect();
    const placed = Number(
      (
        await sql.query<{ count: string }>(
          `SELECT count(*) FROM es_events WHERE event_type = 'ComputeOrderPlaced'`,
        )
      ).rows[0].count,
    );
    if (placed < one.created + two.created) {
      throw new Error(`${one.created + two.created} orders answered 201, the log holds ${placed}`);
    }

    progress('SIGKILL to the projector leader');
    const killedAt = Date.now();
    leader.signal('SIGKILL');
    while (!(await leads(standby))) {
      if (Date.now() - killedAt > 30_000) throw new Error('the standby never took over');
      await sleep(50);
    }
    const takeoverMs = Date.now() - killedAt;

    result('orders_per_s_one_replica', Math.round(one.rate));
    result('orders_per_s_two_replicas', Math.round(two.rate));
    result('scale_out_ratio', two.rate / one.rate);
    result('takeover_ms', takeoverMs);
  } finally {
    for (const service of processes) service.signal('SIGKILL');
    await Promise.all(processes.map((service) => service.exited));
    await sql.end().catch(() => undefined);
    await schema.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`scale-out bench failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
