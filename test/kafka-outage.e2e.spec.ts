import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka } from 'kafkajs';
import { CHECKPOINT_STORE, CheckpointStore, EVENT_STORE, EventStore } from '@policloud/event-store';
import {
  createKafka,
  EVENT_ID_HEADER,
  KAFKA_RELAY_CHECKPOINT,
  RelayStatus,
} from '@policloud/messaging';
import { publishedToKafka } from '@policloud/runtime';
import { DisposableKafkaBroker } from './support/disposable-kafka-broker';
import { eventually } from './support/eventually';
import { orderBody, siteBody } from './support/marketplace-fixture';
import { createTestSchema, TestSchema } from './support/postgres-test-database';
import { bootTestApp } from './support/test-app';

/** The broker stays down at least this long in the second outage, well past kafkajs's retries. */
const OUTAGE_MS = 20_000;

interface RelayHealth {
  status: string;
  kafka: { status: string; relay: RelayStatus };
}

class Service {
  private readonly operatorKey = `op-${randomUUID()}`;
  private app!: NestFastifyApplication;

  async boot(schema: TestSchema, kafkaBrokers: string): Promise<void> {
    ({ app: this.app } = await bootTestApp({
      EVENT_STORE: 'postgres',
      DATABASE_URL: schema.url,
      OPERATOR_API_KEY: this.operatorKey,
      KAFKA_BROKERS: kafkaBrokers,
    }));
  }

  async close(): Promise<void> {
    await this.app?.close();
  }

  private get store(): EventStore {
    return this.app.get(EVENT_STORE);
  }

  head(): Promise<number> {
    return this.store.headPosition();
  }

  checkpoint(): Promise<number> {
    return this.app.get<CheckpointStore>(CHECKPOINT_STORE).load(KAFKA_RELAY_CHECKPOINT);
  }

  /** Ids of the events after `after` that the relay must publish. */
  async publishableEventIds(after: number): Promise<string[]> {
    const events = await this.store.readAll({ after, maxCount: 100_000 });
    return events.filter(publishedToKafka).map((event) => event.id);
  }

  async health(): Promise<RelayHealth> {
    return (await this.app.inject({ method: 'GET', url: '/health' })).json();
  }

  /** A few writes through the API across aggregates (participants, a site, an order); each must succeed. */
  async writeSomething(): Promise<void> {
    const tag = randomUUID().slice(0, 8);
    const host = await this.post('/v1/participants', this.operatorKey, {
      name: `host ${tag}`,
      roles: ['host'],
      country: 'FR',
    });
    const buyer = await this.post('/v1/participants', this.operatorKey, {
      name: `buyer ${tag}`,
      roles: ['buyer'],
      country: 'FR',
    });
    await this.post('/v1/sites', this.operatorKey, siteBody(`site-${tag}`, host.id as string));
    await this.post('/v1/compute-orders', buyer.apiKey as string, orderBody());
  }

  private async post(url: string, key: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    if (response.statusCode !== 201) {
      throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`);
    }
    return response.json();
  }
}

/** Reads every policloud.* topic from the start and returns the wanted ids that never arrived. */
async function missingFromKafka(kafka: Kafka, wanted: string[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith('policloud.'));
  await admin.disconnect();
  const received = new Set<string>();
  const consumer = kafka.consumer({ groupId: `kafka-outage-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.add(message.headers![EVENT_ID_HEADER]!.toString());
      },
    });
    await eventually(
      () => wanted.every((id) => received.has(id)),
      'every event to be read',
      30_000,
    ).catch(() => undefined);
  } finally {
    await consumer.disconnect();
  }
  return wanted.filter((id) => !received.has(id));
}

describe('the Kafka relay across broker outages', () => {
  let broker: DisposableKafkaBroker;
  let schema: TestSchema;
  const service = new Service();

  beforeAll(async () => {
    // kafkajs logs every refused connection of the outages this test causes; other errors show.
    const consoleError = console.error.bind(console);
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).includes('"logger":"kafkajs"')) consoleError(...args);
    });
    broker = await DisposableKafkaBroker.reserve();
    schema = await createTestSchema('e2e_kafka_outage');
    // The service starts while its broker is down.
    await service.boot(schema, broker.address);
  });
  afterAll(async () => {
    await service.close();
    await broker?.dispose();
    await schema?.drop();
    jest.restoreAllMocks();
  });

  /** The relay retrying, reporting its checkpoint, once kafkajs has given up `failures` times. */
  async function expectRelayRetryingAtItsCheckpoint(failures: number): Promise<RelayStatus> {
    await eventually(
      async () => (await service.health()).kafka.relay.failures >= failures,
      `the relay to fail ${failures} times`,
      60_000,
    );
    const report = await service.health();
    expect(report.status).toBe('degraded');
    expect(report.kafka.status).toBe('down');
    expect(report.kafka.relay).toMatchObject({
      running: true,
      state: 'retrying',
      lastError: expect.stringMatching(/\S/),
      position: await service.checkpoint(),
    });
    return report.kafka.relay;
  }

  async function expectRelayRunningAtHead(): Promise<void> {
    const head = await service.head();
    await eventually(
      async () => {
        const { kafka } = await service.health();
        return (
          kafka.status === 'up' && kafka.relay.state === 'running' && kafka.relay.position === head
        );
      },
      'the relay to run again, at the head of the log',
      60_000,
    );
    expect(await service.checkpoint()).toBe(head);
  }

  it('publishes every event written while the broker was down, at start and later, without a restart', async () => {
    // (1) Broker down since the service started: writes succeed, the relay retries from 0.
    await service.writeSomething();
    const atStart = await expectRelayRetryingAtItsCheckpoint(1);
    expect(atStart.position).toBe(0);
    await service.writeSomething();
    const writtenBeforeTheBroker = await service.publishableEventIds(0);

    // (2) The broker comes up: everything written so far arrives.
    await broker.start();
    await expectRelayRunningAtHead();
    const kafka = createKafka([broker.address], 'policloud-outage-test');
    expect(await missingFromKafka(kafka, writtenBeforeTheBroker)).toEqual([]);

    // (3) The broker goes down for longer than the client retries, with writes meanwhile.
    const relayedBeforeOutage = await service.head();
    await broker.stop();
    const outageStarted = Date.now();
    await service.writeSomething();
    // Two failures of the relay: kafkajs spent its retries twice, the old relay stopped after one.
    const during = await expectRelayRetryingAtItsCheckpoint(2);
    expect(during.position).toBe(relayedBeforeOutage);
    await service.writeSomething();
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))),
    );
    const writtenDuringOutage = await service.publishableEventIds(relayedBeforeOutage);
    expect(writtenDuringOutage.length).toBeGreaterThan(0);

    // The same cluster is back: the service catches up by itself.
    await broker.start({ keepData: true });
    await expectRelayRunningAtHead();
    expect(await missingFromKafka(kafka, writtenDuringOutage)).toEqual([]);
  }, 240_000);
});
