import { canonicalJson, chainCanonicalHashes, eventHash, GENESIS_HASH } from '@policloud/audit';
import { createTestSchema, TestSchema } from '@policloud/test-support/postgres-test-database';
import { anEvent } from '../event-store.conformance';
import { EventToAppend } from '../event-store.port';
import { EVENT_STORE_MIGRATIONS, migrateEventStore } from './event-store.migrations';
import { PgExecutor } from './pg-executor';
import { PgliteExecutor } from './pglite-executor';
import { SqlExecutor } from './sql-executor';
import { SqlEventStore } from './sql-event-store';

/** A database left at schema version 2, where hashes were stored as hex text. */
async function atVersion2(sql: SqlExecutor): Promise<void> {
  await sql.exec(
    'CREATE TABLE es_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const version of [1, 2]) {
    await sql.exec(EVENT_STORE_MIGRATIONS[version - 1]);
    await sql.query('INSERT INTO es_schema_migrations (version) VALUES ($1)', [version]);
  }
}

/** Appends through version 2's es_append (hex hashes in a text array); returns the hashes. */
async function appendAtVersion2(
  sql: SqlExecutor,
  streamId: string,
  events: EventToAppend[],
): Promise<string[]> {
  const payloads = events.map((event) => ({
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson: canonicalJson(event.data),
    metadataJson: canonicalJson(event.metadata),
  }));
  const hashes = chainCanonicalHashes(streamId, payloads, 0, GENESIS_HASH);
  await sql.query(
    'SELECT * FROM es_append($1, -2, $2::uuid[], $3::text[], $4::int[], $5::json[], $6::json[], $7::text, $8::text[])',
    [
      streamId,
      payloads.map((payload) => payload.id),
      payloads.map((payload) => payload.type),
      payloads.map((payload) => payload.schemaVersion),
      payloads.map((payload) => payload.dataJson),
      payloads.map((payload) => payload.metadataJson),
      GENESIS_HASH,
      hashes,
    ],
  );
  return hashes;
}

const engines: {
  name: string;
  open: () => Promise<{ sql: SqlExecutor; cleanup: () => Promise<void> }>;
}[] = [
  {
    name: 'postgres',
    open: async () => {
      const schema: TestSchema = await createTestSchema('es_hash_bytes');
      return { sql: new PgExecutor(schema.poolConfig), cleanup: () => schema.drop() };
    },
  },
  {
    name: 'embedded',
    open: async () => ({ sql: await PgliteExecutor.open(), cleanup: async () => undefined }),
  },
];

describe.each(engines)('hashes as bytes (migration 3) on $name', ({ open }) => {
  let sql: SqlExecutor;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ sql, cleanup } = await open());
  });

  afterEach(async () => {
    await sql.close();
    await cleanup();
  });

  it('converts the hashes stored as hex text, and appends keep extending their chains', async () => {
    await atVersion2(sql);
    const streamId = 'migrated-stream';
    const hashes = await appendAtVersion2(sql, streamId, [
      anEvent('Old', { n: 1 }),
      anEvent('Old', { n: 2 }),
    ]);

    await migrateEventStore(sql);
    const [{ type }] = await sql.query<{ type: string }>(
      "SELECT data_type AS type FROM information_schema.columns WHERE table_name = 'es_events' AND column_name = 'hash'",
    );
    expect(type).toBe('bytea');

    const store = new SqlEventStore('migrated', sql);
    const before = await store.readStream(streamId);
    expect(before.map((event) => [event.prevHash, event.hash])).toEqual([
      [GENESIS_HASH, hashes[0]],
      [hashes[0], hashes[1]],
    ]);

    // Exact revision (cached tip unknown: read from the migrated stream row) and Any (read under lock).
    await store.append(streamId, [anEvent('New', { n: 3 })], 1);
    await store.append(streamId, [anEvent('New', { n: 4 })], 'any');
    const after = await store.readStream(streamId);
    after.forEach((event, index) => {
      expect(event.prevHash).toBe(index === 0 ? GENESIS_HASH : after[index - 1].hash);
      expect(event.hash).toBe(eventHash(event, event.prevHash!));
    });
    expect(after).toHaveLength(4);
  });

  it('refuses hashes that are not 32 bytes per event', async () => {
    await migrateEventStore(sql);
    const event = anEvent();
    const call = (prevHash: Buffer | null, hashes: Buffer | null) =>
      sql.query(
        'SELECT * FROM es_append($1, -2, $2::uuid[], $3::text[], $4::int[], $5::json[], $6::json[], $7::bytea, $8::bytea)',
        ['malformed-stream', [event.id], [event.type], [1], ['{}'], ['{}'], prevHash, hashes],
      );
    const genesis = Buffer.alloc(32);
    await expect(call(genesis, Buffer.alloc(31))).rejects.toMatchObject({ code: '22023' });
    await expect(call(Buffer.alloc(16), Buffer.alloc(32))).rejects.toMatchObject({ code: '22023' });
    await expect(call(null, Buffer.alloc(32))).rejects.toMatchObject({ code: '22023' });
  });
});
