import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { eventHash, GENESIS_HASH } from '@policloud/audit';
import { createTestSchema, TestSchema } from '@policloud/test-support/postgres-test-database';
import { anEvent, describeEventStoreConformance } from './event-store.conformance';
import { NO_STREAM, RecordedEvent } from './event-store.port';
import { WrongExpectedRevisionError } from './event-store.errors';
import { GroupCommitEventStore } from './group-commit-event-store';
import { appendNewStreams } from './new-streams-append';
import { PgExecutor } from './sql/pg-executor';
import { PgliteExecutor } from './sql/pglite-executor';

let schema: TestSchema | undefined;

let dataDir: string | undefined;

describe('with group commit', () => {
  describeEventStoreConformance('postgres', {
    open: async () => {
      schema = await createTestSchema('es_group_commit');
      return GroupCommitEventStore.open('postgres', new PgExecutor(schema.poolConfig));
    },
    reopen: () => GroupCommitEventStore.open('postgres', new PgExecutor(schema!.poolConfig)),
    cleanup: async () => {
      await schema?.drop();
    },
  });

  describeEventStoreConformance('embedded', {
    open: async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-embedded-'));
      return GroupCommitEventStore.open('embedded', await PgliteExecutor.open(dataDir));
    },
    reopen: async () => GroupCommitEventStore.open('embedded', await PgliteExecutor.open(dataDir)),
    cleanup: async () => {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
});

function expectIntactChain(events: RecordedEvent[]): void {
  events.forEach((event, index) => {
    expect(event.prevHash).toBe(index === 0 ? GENESIS_HASH : events[index - 1].hash);
    expect(event.hash).toBe(eventHash(event, event.prevHash!));
  });
}

describe('group commit of new streams on postgres', () => {
  let store: GroupCommitEventStore;
  let sql: PgExecutor;
  let groupSchema: TestSchema;

  beforeAll(async () => {
    groupSchema = await createTestSchema('es_group_commit_groups');
    sql = new PgExecutor(groupSchema.poolConfig);
    store = await GroupCommitEventStore.open('postgres', sql);
  });
  afterAll(async () => {
    await store.close();
    await groupSchema.drop();
  });

  it('one statement appends a group of new streams, hash-chained as single appends are', async () => {
    const batches = [1, 3, 2].map((count, index) => ({
      streamId: `group-${index}-${Date.now()}`,
      events: Array.from({ length: count }, () => anEvent()),
      expectedRevision: NO_STREAM,
    }));
    const results = await appendNewStreams(sql, batches, true);
    expect(results.map((result) => result.nextExpectedRevision)).toEqual([0, 2, 1]);
    for (const [index, batch] of batches.entries()) {
      const events = await store.readStream(batch.streamId);
      expect(events.map((event) => event.id)).toEqual(batch.events.map((event) => event.id));
      expect(events[events.length - 1].globalPosition).toBe(results[index].lastGlobalPosition);
      expectIntactChain(events);
    }
  });

  it('a group with a taken stream appends nothing', async () => {
    const taken = `group-taken-${Date.now()}`;
    await store.append(taken, [anEvent()], NO_STREAM);
    const free = {
      streamId: `group-free-${Date.now()}`,
      events: [anEvent()],
      expectedRevision: NO_STREAM,
    };
    await expect(
      appendNewStreams(
        sql,
        [free, { streamId: taken, events: [anEvent()], expectedRevision: NO_STREAM }],
        true,
      ),
    ).rejects.toThrow();
    await expect(store.readStream(free.streamId)).rejects.toThrow();
  });

  it('appends many concurrent new streams, each with its own revision and position', async () => {
    const streams = Array.from({ length: 50 }, (_, index) => `grouped-${index}-${Date.now()}`);
    const results = await Promise.all(
      streams.map((stream, index) =>
        store.append(stream, index % 2 ? [anEvent(), anEvent()] : [anEvent()], NO_STREAM),
      ),
    );
    results.forEach((result, index) => expect(result.nextExpectedRevision).toBe(index % 2 ? 1 : 0));
    expect(new Set(results.map((result) => result.lastGlobalPosition)).size).toBe(streams.length);
    for (const [index, stream] of streams.entries()) {
      const events = await store.readStream(stream);
      expect(events.map((event) => event.revision)).toEqual(index % 2 ? [0, 1] : [0]);
      expect(events[events.length - 1].globalPosition).toBe(results[index].lastGlobalPosition);
    }
  });

  it("one caller's conflict does not fail the others committed with it", async () => {
    const taken = `taken-${Date.now()}`;
    await store.append(taken, [anEvent()], NO_STREAM);
    const others = Array.from({ length: 20 }, (_, index) => `free-${index}-${Date.now()}`);
    const outcomes = await Promise.allSettled([
      ...others.slice(0, 10).map((stream) => store.append(stream, [anEvent()], NO_STREAM)),
      store.append(taken, [anEvent()], NO_STREAM),
      ...others.slice(10).map((stream) => store.append(stream, [anEvent()], NO_STREAM)),
    ]);
    const conflict = outcomes.splice(10, 1)[0];
    expect(conflict.status).toBe('rejected');
    expect((conflict as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
  });
});
