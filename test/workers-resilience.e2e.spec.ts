import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { Consumer } from 'kafkajs';
import { EVENT_STORE, EventStore, NO_STREAM, RecordedEvent } from '@policloud/event-store';
import { EVENT_ID_HEADER } from '@policloud/messaging';
import { eventually } from './support/eventually';
import { connectTestKafka } from './support/kafka-test-broker';
import { createTestSchema, TEST_DATABASE_URL, TestSchema } from './support/postgres-test-database';
import { bootTestApp } from './support/test-app';

/** The bound the app is given on every database wait, and what a caller may wait at most. */
const DATABASE_TIMEOUT_MS = 2_000;
const ANSWER_WITHIN_MS = 15_000;

async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work;
  return { result, ms: Date.now() - started };
}

function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

class App {
  constructor(
    readonly app: NestFastifyApplication,
    readonly operatorKey: string,
  ) {}

  get store(): EventStore {
    return this.app.get(EVENT_STORE);
  }

  async request(method: 'GET' | 'POST', url: string, key: string, body?: unknown) {
    const response = await this.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, headers: response.headers, body: response.json() };
  }

  async register(): Promise<{ status: number; id?: string; key?: string }> {
    const response = await this.request('POST', '/v1/participants', this.operatorKey, {
      name: `buyer ${randomUUID().slice(0, 6)}`,
      roles: ['buyer'],
      country: 'FR',
    });
    return { status: response.status, id: response.body.id, key: response.body.apiKey };
  }

  async health() {
    return (await this.app.inject({ method: 'GET', url: '/health' })).json();
  }

  /** The ParticipantRegistered event of a participant, from the log. */
  async registrationOf(participantId: string): Promise<RecordedEvent> {
    const events = await this.store.readAll({ after: 0, maxCount: 100_000 });
    return events.find(
      (event) =>
        event.type === 'ParticipantRegistered' &&
        JSON.stringify(event.data).includes(participantId),
    )!;
  }
}

async function boot(
  schema: TestSchema,
  env: Record<string, string> = {},
  operatorKey = `op-${randomUUID()}`,
): Promise<App> {
  const { app } = await bootTestApp({
    EVENT_STORE: 'postgres',
    DATABASE_URL: schema.url,
    OPERATOR_API_KEY: operatorKey,
    DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS),
    ...env,
  });
  return new App(app, operatorKey);
}

describe('long-running workers and database faults', () => {
  describe('connections terminated, then es_events locked longer than the bound', () => {
    let schema: TestSchema;
    let app: App;
    let consumer: Consumer;
    const applicationName = `policloud_faults_${randomUUID().slice(0, 8)}`;
    const relayed = new Set<string>();

    beforeAll(async () => {
      const kafka = await connectTestKafka();
      schema = await createTestSchema('e2e_faults');
      schema.url = withApplicationName(schema.url, applicationName);
      app = await boot(schema, {
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        AUDIT_SEAL_INTERVAL_SECONDS: '1',
      });
      consumer = kafka.consumer({ groupId: `faults-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topics: ['policloud.participant'], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          relayed.add(message.headers![EVENT_ID_HEADER]!.toString());
        },
      });
    });
    afterAll(async () => {
      await consumer?.disconnect();
      await app?.app.close();
      await schema?.drop();
    });

    it('answers reads and /health in bounded time during the fault, and every worker resumes by itself', async () => {
      const before = await app.register();
      expect(before.status).toBe(201);
      expect((await app.request('GET', '/v1/participants/me', before.key!)).status).toBe(200);

      const admin = new Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        const terminated = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        expect(terminated.rowCount).toBeGreaterThan(0);

        await admin.query('BEGIN');
        await admin.query(`LOCK TABLE ${schema.name}.es_events IN ACCESS EXCLUSIVE MODE`);
        const held = Date.now();

        const health = await timed(app.health());
        expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);
        expect(health.result).toMatchObject({
          status: 'degraded',
          eventStore: { status: 'down', error: expect.any(String) },
        });

        const read = await timed(app.request('GET', '/v1/participants/me', before.key!));
        expect(read.ms).toBeLessThan(ANSWER_WITHIN_MS);
        expect(read.result.status).toBe(503);
        expect(read.result.headers['content-type']).toContain('application/problem+json');

        const write = await timed(app.register());
        expect(write.ms).toBeLessThan(ANSWER_WITHIN_MS);
        expect(write.result.status).toBe(503);

        // Held longer than the bound, so every worker has failed at least once meanwhile.
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, 3 * DATABASE_TIMEOUT_MS - (Date.now() - held))),
        );
      } finally {
        await admin.query('ROLLBACK').catch(() => undefined);
        await admin.end();
      }

      const after = await app.register();
      expect(after.status).toBe(201);
      expect((await app.request('GET', '/v1/participants/me', after.key!)).status).toBe(200);
      const head = await app.store.headPosition();
      const registration = await app.registrationOf(after.id!);
      await eventually(
        () => relayed.has(registration.id),
        'the write after the fault to reach Kafka',
        60_000,
      );
      await eventually(
        async () => {
          const report = await app.health();
          return (
            report.status === 'ok' &&
            report.projections.state === 'running' &&
            report.kafka.relay.state === 'running' &&
            report.kafka.relay.position >= registration.globalPosition &&
            report.workers.auditSealer.state === 'running' &&
            report.workers.auditSealer.position >= head
          );
        },
        'every worker to report running, past the write after the fault',
        30_000,
      );
    }, 120_000);
  });

  describe('a poison event written straight into the store', () => {
    let schema: TestSchema;
    let app: App;

    beforeAll(async () => {
      schema = await createTestSchema('e2e_poison');
      app = await boot(schema);
    });
    afterAll(async () => {
      await app?.app.close();
      await schema?.drop();
    });

    it('halts only the projection it breaks: writes, other reads and /health work, and a restart boots', async () => {
      const healthy = await app.register();
      const registration = await app.registrationOf(healthy.id!);
      const poisonId = `participant-${randomUUID()}`;
      // PostgreSQL cannot store U+0000 in the read model's jsonb: the projection throws on it.
      const [poison] = await app.store
        .append(
          poisonId,
          [
            {
              id: randomUUID(),
              type: registration.type,
              schemaVersion: registration.schemaVersion,
              data: {
                ...registration.data,
                participantId: poisonId.slice('participant-'.length),
                name: 'bad\u0000name',
              },
              metadata: { actor: 'test' },
            },
          ],
          NO_STREAM,
        )
        .then(async () => (await app.store.readStream(poisonId)) as RecordedEvent[]);

      const written = await app.register();
      expect(written.status).toBe(201);
      expect((await app.request('GET', '/v1/sites', app.operatorKey)).status).toBe(200);
      expect((await app.request('GET', '/v1/participants/me', healthy.key!)).status).toBe(200);

      const expectReported = async (target: App) => {
        await eventually(
          async () => (await target.health()).projections.failing.length > 0,
          'the failing projection',
        );
        const report = await target.health();
        expect(report.status).toBe('degraded');
        expect(report.projections.state).toBe('running');
        expect(report.projections.failing).toEqual([
          expect.objectContaining({
            projection: 'rm_participants',
            event: {
              position: poison.globalPosition,
              id: poison.id,
              type: 'ParticipantRegistered',
              streamId: poisonId,
            },
            error: expect.stringMatching(/\S/),
          }),
        ]);
      };
      await expectReported(app);

      await app.app.close();
      app = await boot(schema, {}, app.operatorKey);
      expect((await app.register()).status).toBe(201);
      expect((await app.request('GET', '/v1/sites', app.operatorKey)).status).toBe(200);
      await expectReported(app);
    }, 120_000);
  });
});
