import { randomUUID } from 'node:crypto';
import { Consumer, Kafka } from 'kafkajs';
import { ANY, PgExecutor, SqlEventStore } from '@policloud/event-store';
import { anEvent } from '../../event-store/src/event-store.conformance';
import { eventually } from '@policloud/test-support/eventually';
import { connectTestKafka } from '@policloud/test-support/kafka-test-broker';
import { createTestSchema, TestSchema } from '@policloud/test-support/postgres-test-database';
import {
  EVENT_ID_HEADER,
  GLOBAL_POSITION_HEADER,
  STREAM_REVISION_HEADER,
} from './integration-message';
import { KafkaEventRelay } from './kafka-event-relay';
import { createRelayProducer } from './kafka.config';

interface Received {
  topic: string;
  key: string;
  eventId: string;
  revision: number;
  position: number;
}

describe('Kafka relay against the real broker', () => {
  let kafka: Kafka;
  let schema: TestSchema;
  let store: SqlEventStore;
  let consumer: Consumer;
  const received: Received[] = [];
  const topicPrefix = `test${randomUUID().slice(0, 8)}`;
  const categories = ['site', 'order'];

  beforeAll(async () => {
    kafka = await connectTestKafka();
    schema = await createTestSchema('relay');
    store = await SqlEventStore.open('postgres', new PgExecutor(schema.poolConfig));
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: categories.map((c) => ({ topic: `${topicPrefix}.${c}`, numPartitions: 3 })),
    });
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: `relay-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({
      topics: categories.map((c) => `${topicPrefix}.${c}`),
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        received.push({
          topic,
          key: message.key!.toString(),
          eventId: message.headers![EVENT_ID_HEADER]!.toString(),
          revision: Number(message.headers![STREAM_REVISION_HEADER]!.toString()),
          position: Number(message.headers![GLOBAL_POSITION_HEADER]!.toString()),
        });
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await store?.close();
    await schema?.drop();
  });

  function newRelay() {
    return new KafkaEventRelay(store, store, createRelayProducer(kafka), {
      name: `relay-${topicPrefix}`,
      topicPrefix,
      idleMs: 20,
    });
  }

  async function appendInterleaved(streams: string[], rounds: number): Promise<string[]> {
    const ids: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const stream of streams) {
        const event = anEvent('Relayed', { round });
        ids.push(event.id);
        // The relay reads any event of the log: written straight to the store, no domain needed.
        await store.append(stream, [event], ANY);
      }
    }
    return ids;
  }

  it('publishes every event keyed by stream, in order per stream, and loses nothing across a restart', async () => {
    const streams = [
      ...[1, 2, 3].map(() => `site-${randomUUID()}`),
      ...[1, 2].map(() => `order-${randomUUID()}`),
    ];
    const firstIds = await appendInterleaved(streams, 10);

    const relay = newRelay();
    await relay.start();
    await relay.caughtUp();
    await eventually(() => received.length >= firstIds.length, 'the first batch on Kafka', 30_000);
    await relay.stop();

    // Written while no relay runs: the next relay resumes from the acknowledged checkpoint.
    const secondIds = await appendInterleaved(streams, 5);
    const restarted = newRelay();
    await restarted.start();
    const all = [...firstIds, ...secondIds];
    await eventually(
      () => new Set(received.map((r) => r.eventId)).size >= all.length,
      'every event on Kafka after the restart',
      30_000,
    );
    await restarted.stop();

    expect(new Set(received.map((r) => r.eventId))).toEqual(new Set(all));
    for (const stream of streams) {
      const ofStream = received.filter((r) => r.key === stream);
      const topic = `${topicPrefix}.${stream.split('-')[0]}`;
      expect(ofStream.every((r) => r.topic === topic)).toBe(true);
      const revisions = ofStream.map((r) => r.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
      expect(new Set(revisions).size).toBe(15);
    }
  });
});
