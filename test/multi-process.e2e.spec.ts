import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { generateSigningKey } from '@policloud/audit';
import {
  EventStore,
  GroupCommitEventStore,
  PgExecutor,
  RecordedEvent,
} from '@policloud/event-store';
import { EVENT_ID_HEADER } from '@policloud/messaging';
import {
  openReadModels,
  ProjectionCheckpointEntity,
  ProjectionCheckpointsMigration,
  ProjectionRunner,
} from '@policloud/projections';
import { PLATFORM_FEATURES, publishedToKafka } from '@policloud/runtime';
import { eventually } from './support/eventually';
import { connectTestKafka } from './support/kafka-test-broker';
import { offerBody, orderBody, profile, siteBody } from './support/marketplace-fixture';
import { createTestSchema, TestSchema } from './support/postgres-test-database';
import {
  childPids,
  ensureBuilt,
  isAlive,
  ServiceName,
  ServiceProcess,
  sleep,
} from './support/service-processes';

/**
 * The production topology on the real PostgreSQL and Kafka, every service a separate OS process
 * started from the build: two marketplace-api replicas, a projector leader and its standby, one
 * matching engine, one audit-api. Load goes through both replicas while the projector leader and
 * then one replica are killed with SIGKILL; what was acknowledged must all be there, once.
 */

const ORDERS = 200;
const OFFERS = 12;
/** Requests in flight at once, like a few clients behind a load balancer. */
const CONCURRENCY = 8;
const TAKEOVER_LIMIT_MS = 5_000;
const SHUTDOWN_LIMIT_MS = 10_000;
const T0 = Date.parse('2027-03-01T00:00:00Z');
const slotOf = (hour: number) =>
  new Date(T0 + hour * 3_600_000).toISOString().replace('.000Z', 'Z');

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

interface Health {
  status: string;
  projections: { state: string; position: number; lag: number | null };
}

async function call<T = Record<string, unknown>>(
  service: ServiceProcess,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${service.url}${url}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // /metrics is text
  }
  return { status: response.status, body: body as T };
}

const health = async (service: ServiceProcess) =>
  (await call<Health>(service, 'GET', '/health')).body;

describe('four services as separate processes on PostgreSQL and Kafka', () => {
  const operatorKey = `op-${randomUUID()}`;
  const auditSigningKey = generateSigningKey();
  let schema: TestSchema;
  let kafka: Kafka;
  let env: Record<string, string>;
  const processes: ServiceProcess[] = [];
  let apiA: ServiceProcess;
  let apiB: ServiceProcess;
  let projectorLeader: ServiceProcess;
  let projectorStandby: ServiceProcess;
  let matching: ServiceProcess;
  let audit: ServiceProcess;
  let sql: Client;

  async function start(service: ServiceName, label: string, viaNpm = false) {
    const started = await ServiceProcess.start(service, env, { label, viaNpm });
    processes.push(started);
    await started.waitUntilListening();
    return started;
  }

  beforeAll(async () => {
    ensureBuilt();
    [schema, kafka] = await Promise.all([createTestSchema('e2e_multiprocess'), connectTestKafka()]);
    sql = new Client({ connectionString: schema.url });
    await sql.connect();
    env = {
      EVENT_STORE: 'postgres',
      DATABASE_URL: schema.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      OPERATOR_API_KEY: operatorKey,
      AUDIT_SIGNING_KEY: auditSigningKey,
      AUDIT_SEAL_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'info',
    };
    // The first projector creates the schema and leads; everything else starts on it at once.
    projectorLeader = await start('projector', 'projector-1');
    await eventually(
      async () => (await health(projectorLeader)).projections.state === 'running',
      'the first projector to lead',
      15_000,
    );
    [projectorStandby, apiA, apiB, matching, audit] = await Promise.all([
      start('projector', 'projector-2'),
      start('marketplace-api', 'api-1'),
      start('marketplace-api', 'api-2'),
      start('matching-engine', 'matching-engine'),
      start('audit-api', 'audit-api', true),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const service of processes) service.signal('SIGKILL');
    // npm's child (the node it execs) does not die with npm under a SIGKILL.
    for (const service of processes)
      for (const pid of childPids(service.child.pid!)) process.kill(pid, 'SIGKILL');
    await Promise.all(processes.map((service) => service.exited));
    await sql?.end();
    await schema?.drop();
  });

  const survivors = () => [apiA, projectorStandby, matching, audit];

  // -- load ----------------------------------------------------------------------------------

  let buyers: { id: string; key: string }[] = [];
  let producerKey: string;
  let auditorKey: string;
  const siteIds = [`mp-a-${randomUUID().slice(0, 6)}`, `mp-b-${randomUUID().slice(0, 6)}`];
  /** Idempotency-Key → id of the order (or offer) it created, for every acknowledged write. */
  const acknowledged = new Map<string, string>();
  const failures: string[] = [];
  let retriedOnTheOtherReplica = 0;
  let takeoverMs = Number.NaN;

  /** POST with an Idempotency-Key; a network error (replica gone) is retried on the other one. */
  async function write(replica: number, url: string, key: string, body: unknown, idem: string) {
    const replicas = replica % 2 === 0 ? [apiA, apiB] : [apiB, apiA];
    for (const [attempt, target] of replicas.entries()) {
      try {
        const reply = await call<{ id: string }>(target, 'POST', url, {
          key,
          body,
          headers: { 'idempotency-key': idem },
        });
        if (reply.status !== 201)
          failures.push(`${idem}: ${reply.status} ${JSON.stringify(reply.body)}`);
        else acknowledged.set(idem, reply.body.id);
        return;
      } catch (error) {
        if (attempt === 1) failures.push(`${idem}: ${(error as Error).message}`);
        else retriedOnTheOtherReplica++;
      }
    }
  }

  async function pool(count: number, task: (i: number) => Promise<void>) {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await task(next++);
      }),
    );
  }

  /** Polls the standby's /health every 100 ms from the kill until it leads the projections. */
  async function timeTakeover(killedAt: number): Promise<number> {
    while (Date.now() - killedAt < 15_000) {
      const state = await health(projectorStandby)
        .then((report) => report.projections.state)
        .catch(() => 'unreachable');
      if (state === 'running') return Date.now() - killedAt;
      await sleep(100);
    }
    return Number.POSITIVE_INFINITY;
  }

  it('takes writes through both replicas while the projector leader and then a replica die', async () => {
    const participant = async (roles: string[]) => {
      const reply = await call<{ id: string; apiKey: string }>(apiA, 'POST', '/v1/participants', {
        key: operatorKey,
        body: { name: `${roles.join('+')} ${randomUUID().slice(0, 6)}`, roles, country: 'FR' },
      });
      expect(reply.status).toBe(201);
      return { id: reply.body.id, key: reply.body.apiKey };
    };
    const [host, producer, auditor, ...someBuyers] = await Promise.all([
      participant(['host']),
      participant(['producer']),
      participant(['auditor']),
      participant(['buyer']),
      participant(['buyer']),
      participant(['buyer']),
    ]);
    buyers = someBuyers;
    producerKey = producer.key;
    auditorKey = auditor.key;
    for (const [i, siteId] of siteIds.entries()) {
      // Written on one replica, read back on the other: read-your-writes across processes.
      const site = await call(i % 2 ? apiB : apiA, 'POST', '/v1/sites', {
        key: operatorKey,
        body: siteBody(siteId, host.id),
      });
      expect(site.status).toBe(201);
      const agreement = await call(i % 2 ? apiA : apiB, 'PUT', `/v1/sites/${siteId}/agreement`, {
        key: operatorKey,
        body: {
          effectiveFrom: '2027-01-01T00:00:00Z',
          hostParticipantId: host.id,
          producers: [{ participantId: producer.id }],
          producersShareBps: 7000,
          hostShareBps: 3000,
        },
      });
      expect(agreement.status).toBe(200);
    }

    const tasks = [
      ...Array.from(
        { length: OFFERS },
        (_, i) => () =>
          write(
            i,
            '/v1/energy-offers',
            producerKey,
            offerBody([siteIds[i % 2]], { profile: profile(slotOf(i * 2), 24, 20_000 + i) }),
            `offer-${i}-${randomUUID()}`,
          ),
      ),
      ...Array.from(
        { length: ORDERS },
        (_, i) => () =>
          write(
            i,
            '/v1/compute-orders',
            buyers[i % buyers.length].key,
            orderBody({ gpus: 1 + (i % 8), earliestStart: slotOf(i % 12), deadline: slotOf(36) }),
            `order-${i}-${randomUUID()}`,
          ),
      ),
    ];
    let killedProjectorAt = 0;
    let takeover: Promise<number> | undefined;
    await pool(tasks.length, async (i) => {
      if (i === Math.floor(tasks.length * 0.3) && !killedProjectorAt) {
        killedProjectorAt = Date.now();
        projectorLeader.signal('SIGKILL');
        takeover = timeTakeover(killedProjectorAt);
      }
      if (i === Math.floor(tasks.length * 0.6)) apiB.signal('SIGKILL');
      await tasks[i]();
    });
    takeoverMs = await takeover!;
    await projectorLeader.exited;
    await apiB.exited;

    expect(failures).toEqual([]);
    expect(acknowledged.size).toBe(ORDERS + OFFERS);
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_LIMIT_MS);
    process.stdout.write(
      `projector takeover after SIGKILL: ${takeoverMs} ms; ` +
        `${retriedOnTheOtherReplica} writes retried on the other replica\n`,
    );
  }, 90_000);

  // -- every acknowledged write, exactly once --------------------------------------------------

  const orderKeys = () => [...acknowledged.keys()].filter((key) => key.startsWith('order-'));

  async function logEvents(): Promise<RecordedEvent[]> {
    const { rows } = await sql.query<{ event_type: string; event_id: string; data: unknown }>(
      'SELECT event_type, event_id FROM es_events ORDER BY global_position',
    );
    return rows.map((row) => ({ type: row.event_type, id: row.event_id }) as RecordedEvent);
  }

  it('holds every acknowledged order once, in the log and in the list on the surviving replica', async () => {
    const { rows } = await sql.query<{ order_id: string; placed: string }>(
      `SELECT data->>'orderId' AS order_id, count(*) AS placed FROM es_events
       WHERE event_type = 'ComputeOrderPlaced' GROUP BY 1`,
    );
    const placed = new Map(rows.map((row) => [row.order_id, Number(row.placed)]));
    const orderIds = orderKeys().map((key) => acknowledged.get(key)!);
    expect(new Set(orderIds).size).toBe(ORDERS); // one order per Idempotency-Key
    expect(placed.size).toBe(ORDERS); // and no order a retry placed a second time
    for (const id of orderIds) expect({ id, placed: placed.get(id) }).toEqual({ id, placed: 1 });

    const listed: string[] = [];
    let after: string | null = null;
    do {
      const page: Reply<{ items: { id: string }[]; nextAfter: string | null }> = await call(
        apiA,
        'GET',
        `/v1/compute-orders?limit=50${after ? `&after=${after}` : ''}`,
        { key: operatorKey },
      );
      expect(page.status).toBe(200);
      listed.push(...page.body.items.map((item) => item.id));
      after = page.body.nextAfter;
    } while (after);
    expect(listed.length).toBe(ORDERS);
    expect(new Set(listed)).toEqual(new Set(orderIds));
  });

  it('brings the read models of every surviving process to the head of the log', async () => {
    for (const service of survivors()) {
      await eventually(
        async () => {
          const [report, ready] = await Promise.all([
            health(service),
            call<{ ready: boolean }>(service, 'GET', '/health/ready'),
          ]);
          return report.projections.lag === 0 && ready.status === 200;
        },
        `${service.label} to reach the head of the log`,
        20_000,
      );
    }
  }, 90_000);

  it('counts nothing twice: the read models equal a rebuild from position 0', async () => {
    const rebuildSchema = await createTestSchema('e2e_multiprocess_rebuild');
    let store: EventStore | undefined;
    let readModels: DataSource | undefined;
    let runner: ProjectionRunner | undefined;
    try {
      store = await GroupCommitEventStore.open(
        'postgres',
        new PgExecutor({ connectionString: schema.url }),
      );
      readModels = await openReadModels(
        { kind: 'postgres', url: rebuildSchema.url },
        {
          entities: [ProjectionCheckpointEntity, ...(PLATFORM_FEATURES.readModels.entities as [])],
          migrations: [
            ProjectionCheckpointsMigration,
            ...(PLATFORM_FEATURES.readModels.migrations as []),
          ],
        },
      );
      runner = new ProjectionRunner(store, readModels, PLATFORM_FEATURES.projections, {
        upcast: PLATFORM_FEATURES.upcast,
      });
      await runner.start();
      const { rows } = await readModels
        .query<{ table_name: string }[]>(
          `SELECT table_name FROM information_schema.tables
         WHERE table_schema = $1 AND table_name LIKE 'rm\\_%' AND table_name <> 'rm_migrations'
         ORDER BY 1`,
          [rebuildSchema.name],
        )
        .then((tables) => ({ rows: tables }));
      expect(rows.length).toBeGreaterThan(5);
      const snapshot = async (schemaName: string) => {
        const tables: Record<string, unknown[]> = {};
        for (const { table_name: table } of rows) {
          const result = await sql.query(
            `SELECT t::text AS row FROM ${schemaName}.${table} t ORDER BY 1`,
          );
          tables[table] = result.rows.map((row: { row: string }) => row.row);
        }
        return tables;
      };
      const livePosition = async () =>
        Number(
          (
            await sql.query<{ position: string }>(
              `SELECT position FROM projection_checkpoints WHERE name = 'read-models'`,
            )
          ).rows[0]?.position ?? 0,
        );
      // The sealer may still append: compare when both sides stand at the same head.
      let compared = false;
      for (let attempt = 0; attempt < 10 && !compared; attempt++) {
        const head = await store.headPosition();
        await runner.waitFor(head, 30_000);
        await eventually(async () => (await livePosition()) >= head, 'the live read models');
        const [live, rebuilt] = [await snapshot(schema.name), await snapshot(rebuildSchema.name)];
        if ((await store.headPosition()) !== head) continue;
        expect(rebuilt.rm_compute_orders).toHaveLength(ORDERS);
        expect(live).toEqual(rebuilt);
        compared = true;
      }
      expect(compared).toBe(true);
    } finally {
      await runner?.stop();
      await readModels?.destroy();
      await store?.close();
      await rebuildSchema.drop();
    }
  }, 90_000);

  it('publishes every event to Kafka at least once with its event id', async () => {
    const expected = (await logEvents()).filter(publishedToKafka).map((event) => event.id);
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith('policloud.'));
    await admin.disconnect();
    const seen = new Set<string>();
    const consumer = kafka.consumer({ groupId: `multiprocess-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const id = message.headers?.[EVENT_ID_HEADER];
          if (id) seen.add(id.toString());
        },
      });
      await eventually(
        () => expected.every((id) => seen.has(id)),
        `Kafka to hold the ${expected.length} published events`,
        60_000,
      ).catch((error: Error) => {
        const missing = expected.filter((id) => !seen.has(id));
        throw new Error(`${error.message}: ${missing.length} missing, e.g. ${missing[0]}`);
      });
    } finally {
      await consumer.disconnect();
    }
  }, 90_000);

  it('verifies the audit chain on audit-api', async () => {
    const verified = await call<{ ok: boolean }>(audit, 'GET', '/v1/audit/verify', {
      key: auditorKey,
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true });
  });

  it('allocates nothing twice when two matching runs are requested at once', async () => {
    const [first, second] = await Promise.all([
      call<{ allocationCount: number }>(matching, 'POST', '/v1/matching/runs', {
        key: operatorKey,
        body: { from: slotOf(0), to: slotOf(36) },
        headers: { 'idempotency-key': `run-a-${randomUUID()}` },
      }),
      call<{ allocationCount: number }>(matching, 'POST', '/v1/matching/runs', {
        key: operatorKey,
        body: { from: slotOf(6), to: slotOf(40) },
        headers: { 'idempotency-key': `run-b-${randomUUID()}` },
      }),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.allocationCount + second.body.allocationCount).toBeGreaterThan(0);
    for (const siteId of siteIds) {
      const capacity = await call<{
        slots: { slot: string; gpusOnline: number; gpusAllocated: number }[];
      }>(apiA, 'GET', `/v1/sites/${siteId}/capacity?from=${slotOf(0)}&to=${slotOf(40)}`, {
        key: operatorKey,
      });
      expect(capacity.status).toBe(200);
      expect(capacity.body.slots.length).toBe(40);
      const over = capacity.body.slots.filter((slot) => slot.gpusAllocated > slot.gpusOnline);
      expect(over).toEqual([]);
      expect(capacity.body.slots.some((slot) => slot.gpusAllocated > 0)).toBe(true);
    }
  }, 60_000);

  it('serves the series of each service on /metrics', async () => {
    const common = ['http_request_duration_seconds', 'process_cpu_seconds_total'];
    const projections = [
      'policloud_projection_position',
      'policloud_projection_lag_events',
      'policloud_projection_lag_seconds',
      'policloud_leader',
    ];
    const expected: [ServiceProcess, string[]][] = [
      [apiA, [...common, 'policloud_events_appended_total', ...projections]],
      [
        projectorStandby,
        [
          ...common,
          ...projections,
          'policloud_kafka_relay_lag_events',
          'policloud_audit_checkpoint_age_seconds',
          'policloud_leader{singleton="projections"} 1',
        ],
      ],
      [matching, [...common, 'policloud_matching_run_duration_seconds', ...projections]],
      [audit, [...common, ...projections]],
    ];
    for (const [service, series] of expected) {
      const metrics = await call<string>(service, 'GET', '/metrics');
      expect(metrics.status).toBe(200);
      const missing = series.filter((name) => !metrics.body.includes(name));
      expect({ service: service.label, missing }).toEqual({ service: service.label, missing: [] });
    }
  });

  it('writes one JSON line per request with its request id', async () => {
    for (const service of survivors()) {
      const requestId = `mp-${randomUUID()}`;
      const reply = await fetch(`${service.url}/health/live`, {
        headers: { 'x-request-id': requestId },
      });
      expect(reply.headers.get('x-request-id')).toBe(requestId);
      await eventually(
        () => service.lines.some((line) => line.requestId === requestId),
        `${service.label}'s request line`,
      );
      await sleep(200);
      const lines = service.lines.filter((line) => line.requestId === requestId);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        requestId,
        method: 'GET',
        route: '/health/live',
        status: 200,
        durationMs: expect.any(Number),
      });
    }
  });

  it('stops every surviving process within 10 s of a SIGTERM, npm included', async () => {
    const npmPid = audit.child.pid!;
    const nodeUnderNpm = childPids(npmPid);
    expect(nodeUnderNpm.length).toBeGreaterThan(0);
    const stopped = await Promise.all(survivors().map((service) => service.stop('SIGTERM')));
    for (const [i, service] of survivors().entries()) {
      expect({ service: service.label, withinLimit: stopped[i] <= SHUTDOWN_LIMIT_MS }).toEqual({
        service: service.label,
        withinLimit: true,
      });
      expect({ service: service.label, code: (await service.exited).code }).toEqual({
        service: service.label,
        code: 0,
      });
      expect(service.lines.some((line) => /^stopped/.test(String(line.msg)))).toBe(true);
    }
    await eventually(() => nodeUnderNpm.every((pid) => !isAlive(pid)), 'node under npm to exit');
  }, 30_000);
});
