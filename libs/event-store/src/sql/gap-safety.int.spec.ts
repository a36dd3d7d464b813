import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '@policloud/test-support/eventually';
import { createTestSchema, TestSchema } from '@policloud/test-support/postgres-test-database';
import { anEvent } from '../event-store.conformance';
import { NO_STREAM, RecordedEvent } from '../event-store.port';
import { PgExecutor } from './pg-executor';
import { SqlEventStore } from './sql-event-store';

/**
 * The sequence-gap problem: an append that drew a lower global position but commits after a
 * higher one is visible. A reader that moved past the higher position must still get it.
 */
describe('postgres global log under late commits', () => {
  let schema: TestSchema;
  let store: SqlEventStore;
  let slowWriter: Client;

  beforeEach(async () => {
    schema = await createTestSchema('es_gaps');
    store = await SqlEventStore.open('postgres', new PgExecutor(schema.poolConfig));
    slowWriter = new Client(schema.poolConfig);
    await slowWriter.connect();
  });
  afterEach(async () => {
    await slowWriter.end();
    await store.close();
    await schema.drop();
  });

  /** Appends inside a transaction that stays open until the returned commit() is called. */
  async function beginSlowAppend(streamId: string) {
    const event = anEvent('Slow');
    await slowWriter.query('BEGIN');
    await slowWriter.query(
      `SELECT * FROM es_append($1, -2, $2::uuid[], $3::text[], $4::int[], $5::json[], $6::json[], NULL, NULL)`,
      [streamId, [event.id], [event.type], [1], ['{}'], ['{}']],
    );
    return { event, commit: () => slowWriter.query('COMMIT') };
  }

  it('a subscription never skips an event whose position committed late', async () => {
    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({
      after: 0,
      onEvent: async (event) => {
        seen.push(event);
      },
    });
    await subscription.caughtUp;

    const slow = await beginSlowAppend(`slow-${randomUUID()}`);
    const fast = anEvent('Fast');
    await store.append(`fast-${randomUUID()}`, [fast], NO_STREAM);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await slow.commit();

    await eventually(() => seen.length === 2, 'both events', 5_000);
    await subscription.stop();
    expect(seen.map((e) => e.id)).toEqual([slow.event.id, fast.id]);
    expect(seen[0].globalPosition).toBeLessThan(seen[1].globalPosition);
  });

  it('readAll waits for in-flight appends instead of returning past them', async () => {
    const slow = await beginSlowAppend(`slow-${randomUUID()}`);
    const fast = anEvent('Fast');
    await store.append(`fast-${randomUUID()}`, [fast], NO_STREAM);
    const read = store.readAll({ after: 0 });
    setTimeout(() => void slow.commit(), 200);
    expect((await read).map((e) => e.id)).toEqual([slow.event.id, fast.id]);
  });
});
