/**
 * Event store benchmark on the local PostgreSQL: our SqlEventStore vs raw INSERTs into an
 * equivalent plain table (the limit) vs Emmett's PostgreSQL event store (the peer).
 *
 *   npm run bench:event-store [-- --quick]
 *
 * Each contender gets its own fresh schema (Emmett: its own fresh database, because its DDL
 * checks pg_proc by function name across all schemas) and the same workloads, run phase by
 * phase, contender after contender, in one process:
 *   seed    N events in batches of 100 (unmeasured; also the warm-up of the batch path),
 *   read    the whole global log from position 0 in pages of 1000 (after a short warm-up read),
 *   single  16 writers, each appending one event at a time to its own stream,
 *   batch   4 writers appending batches of 100 events (a new stream every 10 batches).
 * Write phases are time-boxed (events/s = events committed / wall time).
 * Figures go to stdout as `RESULT key=value`; progress goes to stderr.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool, PoolConfig } from 'pg';
import { dumbo } from '@event-driven-io/dumbo';
import {
  getPostgreSQLEventStore,
  readMessagesBatch,
  PostgresEventStore,
} from '@event-driven-io/emmett-postgresql';
import {
  ExpectedRevision,
  EventToAppend,
  NO_STREAM,
} from '../../libs/event-store/src/event-store.port';
import { PgExecutor } from '../../libs/event-store/src/sql/pg-executor';
import { SqlEventStore } from '../../libs/event-store/src/sql/sql-event-store';
import { benchSize, bySize, progress, result } from '../support/bench-io';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POOL_SIZE = 20;
const PAGE_SIZE = 1000;
const BATCH_SIZE = 100;
const BATCHES_PER_STREAM = 10;
const SINGLE_WRITERS = 16;
const BATCH_WRITERS = 4;
const SEED_EVENTS = bySize({ full: 200_000, quick: 20_000, smoke: 3_000 });
const MEASURE_MS = bySize({ full: 20_000, quick: 3_000, smoke: 300 });
const WARMUP_MS = bySize({ full: 3_000, quick: 700, smoke: 100 });
const READ_WARMUP_PAGES = 3;
const TAG = `${process.pid}`;

// ---------------------------------------------------------------- payloads (same for everyone)

function makeEvent(index: number): EventToAppend {
  const id = randomUUID();
  return {
    id,
    type: 'OrderPlaced',
    schemaVersion: 1,
    data: {
      orderId: id,
      buyerId: 'usr_01HZX3K9Q4B7M2N8P6R5T1V0W',
      sellerId: 'usr_01HZX3KA7C2D9E4F6G8H0J1K',
      lines: [
        {
          sku: 'SKU-48213-BLK-M',
          title: 'Merino wool sweater, M',
          quantity: 1 + (index % 3),
          unitPrice: { amount: 4990, currency: 'EUR' },
        },
      ],
      shipTo: 'FR-75011',
      total: { amount: 4990 * (1 + (index % 3)) + 500, currency: 'EUR' },
      placedAt: '2024-05-17T10:21:33.512Z',
    },
    metadata: {
      correlationId: 'c0a80121-7f3e-4b1a-9d2c-5e6f7a8b9c0d',
      causationId: 'd1b91232-8a4f-4c2b-ae3d-6f7a8b9c0d1e',
      actor: 'usr_01HZX3K9Q4B7M2N8P6R5T1V0W',
    },
  };
}

function makeEvents(count: number): EventToAppend[] {
  return Array.from({ length: count }, (_, index) => makeEvent(index));
}

// ---------------------------------------------------------------- contenders

/** Appends to one stream, tracking the expected revision itself. */
type StreamAppender = (events: EventToAppend[]) => Promise<void>;

interface Contender {
  readonly name: 'ours' | 'raw' | 'emmett';
  openStream(): StreamAppender;
  /** Reads the global log from the start in pages; stops after `maxPages`; returns events read. */
  readAll(maxPages?: number): Promise<number>;
  /** Sets hint bits / visibility map / statistics after seeding, equally for everyone. */
  vacuum(): Promise<void>;
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

function schemaPool(schema: string): PoolConfig {
  return { connectionString: BASE_URL, max: POOL_SIZE, options: `-c search_path=${schema}` };
}

async function openOurs(admin: Pool): Promise<Contender> {
  const schema = `bench_es_ours_${TAG}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const executor = new PgExecutor(schemaPool(schema));
  const store = await SqlEventStore.open('postgres', executor);
  return {
    name: 'ours',
    openStream() {
      const streamId = `order-${randomUUID()}`;
      let expected: ExpectedRevision = NO_STREAM;
      return async (events) => {
        expected = (await store.append(streamId, events, expected)).nextExpectedRevision;
      };
    },
    async readAll(maxPages = Infinity) {
      let after = 0;
      let count = 0;
      for (let page = 0; page < maxPages; page++) {
        const events = await store.readAll({ after, maxCount: PAGE_SIZE });
        if (events.length === 0) break;
        count += events.length;
        after = events[events.length - 1].globalPosition;
      }
      return count;
    },
    vacuum: async () => {
      await executor.exec('VACUUM ANALYZE es_events');
      await executor.exec('VACUUM ANALYZE es_streams');
    },
    checkpoint: () => executor.exec('CHECKPOINT'),
    async close() {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

const RAW_COLUMNS =
  'event_id, stream_id, stream_revision, event_type, schema_version, data, metadata';
const rawInsertSql = new Map<number, string>();

function rawInsert(rows: number): string {
  let sql = rawInsertSql.get(rows);
  if (!sql) {
    const values = Array.from({ length: rows }, (_, row) => {
      const p = row * 7;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7})`;
    });
    sql = `INSERT INTO raw_events (${RAW_COLUMNS}) VALUES ${values.join(', ')}`;
    rawInsertSql.set(rows, sql);
  }
  return sql;
}

async function openRaw(admin: Pool): Promise<Contender> {
  const schema = `bench_es_raw_${TAG}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new Pool(schemaPool(schema));
  pool.on('error', () => undefined);
  // Same columns and the same unique indexes as es_events: what the rows alone cost.
  await pool.query(`
    CREATE TABLE raw_events (
      position bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      stream_id text NOT NULL,
      stream_revision bigint NOT NULL,
      event_type text NOT NULL,
      schema_version integer NOT NULL,
      data json NOT NULL,
      metadata json NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_id, stream_revision)
    )`);
  return {
    name: 'raw',
    openStream() {
      const streamId = `order-${randomUUID()}`;
      let next = 0;
      return async (events) => {
        const params: unknown[] = [];
        for (const event of events) {
          params.push(
            event.id,
            streamId,
            next++,
            event.type,
            event.schemaVersion,
            JSON.stringify(event.data),
            JSON.stringify(event.metadata),
          );
        }
        await pool.query(rawInsert(events.length), params);
      };
    },
    async readAll(maxPages = Infinity) {
      let after = 0;
      let count = 0;
      for (let page = 0; page < maxPages; page++) {
        const { rows } = await pool.query<{ position: number }>(
          `SELECT position, ${RAW_COLUMNS}, recorded_at FROM raw_events
            WHERE position > $1 ORDER BY position LIMIT $2`,
          [after, PAGE_SIZE],
        );
        if (rows.length === 0) break;
        count += rows.length;
        after = Number(rows[rows.length - 1].position);
      }
      return count;
    },
    vacuum: async () => {
      await pool.query('VACUUM ANALYZE raw_events');
    },
    checkpoint: async () => {
      await pool.query('CHECKPOINT');
    },
    async close() {
      await pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

async function openEmmett(admin: Pool): Promise<Contender> {
  // Emmett creates its functions only "IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = …)",
  // whatever the schema: a schema of its own is not reliable, a database of its own is.
  const database = `policloud_bench_emmett_${TAG}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  const connectionString = url.toString();
  const pool = new Pool({ connectionString, max: POOL_SIZE });
  pool.on('error', () => undefined);
  const dumboPool = dumbo({ connectionString, pool });
  const store: PostgresEventStore = getPostgreSQLEventStore(connectionString, {
    connectionOptions: { dumbo: dumboPool },
  });
  await store.schema.migrate();
  return {
    name: 'emmett',
    openStream() {
      const streamName = `order-${randomUUID()}`;
      let expected = 0n; // Emmett: the number of events in the stream, 0 = no stream
      return async (events) => {
        const appended = await store.appendToStream(
          streamName,
          events.map((event) => ({
            type: event.type,
            data: event.data,
            // messageId: the same event id as the other contenders (Emmett stores it apart).
            metadata: { ...event.metadata, messageId: event.id },
          })),
          { expectedStreamVersion: expected },
        );
        expected = appended.nextExpectedStreamVersion;
      };
    },
    async readAll(maxPages = Infinity) {
      let after = -1n;
      let count = 0;
      for (let page = 0; page < maxPages; page++) {
        const batch = await readMessagesBatch(dumboPool.execute, {
          ...(after < 0n ? { from: 0n } : { after }),
          batchSize: PAGE_SIZE,
        });
        if (batch.messages.length === 0) break;
        count += batch.messages.length;
        after = batch.currentGlobalPosition;
        if (!batch.areMessagesLeft) break;
      }
      return count;
    },
    vacuum: async () => {
      await pool.query('VACUUM ANALYZE emt_messages');
      await pool.query('VACUUM ANALYZE emt_streams');
    },
    checkpoint: async () => {
      await pool.query('CHECKPOINT');
    },
    async close() {
      await store.close();
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

// ---------------------------------------------------------------- workloads

/** `writers` loops run `step` until the deadline; returns events committed per second. */
async function timed(
  writers: number,
  durationMs: number,
  makeStep: () => () => Promise<number>,
): Promise<{ events: number; perSecond: number }> {
  const steps = Array.from({ length: writers }, makeStep);
  const start = performance.now();
  const deadline = start + durationMs;
  let events = 0;
  await Promise.all(
    steps.map(async (step) => {
      while (performance.now() < deadline) {
        const appended = await step(); // not `events += await step()`: that reads `events` before awaiting
        events += appended;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { events, perSecond: events / seconds };
}

/** One event at a time to one stream for the whole run. */
function singleStep(contender: Contender): () => () => Promise<number> {
  return () => {
    const append = contender.openStream();
    let index = 0;
    return async () => {
      await append([makeEvent(index++)]);
      return 1;
    };
  };
}

/** Batches of 100 events, a new stream every BATCHES_PER_STREAM batches. */
function batchStep(contender: Contender): () => () => Promise<number> {
  return () => {
    let append = contender.openStream();
    let batches = 0;
    return async () => {
      if (batches > 0 && batches % BATCHES_PER_STREAM === 0) append = contender.openStream();
      batches++;
      await append(makeEvents(BATCH_SIZE));
      return BATCH_SIZE;
    };
  };
}

async function seed(contender: Contender): Promise<void> {
  const perWriter = Math.ceil(SEED_EVENTS / BATCH_WRITERS / BATCH_SIZE);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: BATCH_WRITERS }, async () => {
      const step = batchStep(contender)();
      for (let batch = 0; batch < perWriter; batch++) await step();
    }),
  );
  await contender.vacuum();
  progress(
    `${contender.name}: seeded ${perWriter * BATCH_WRITERS * BATCH_SIZE} events in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}

async function measureRead(contender: Contender): Promise<number> {
  await contender.readAll(READ_WARMUP_PAGES);
  await contender.checkpoint();
  const start = performance.now();
  const events = await contender.readAll();
  const seconds = (performance.now() - start) / 1000;
  progress(`${contender.name}: read ${events} events in ${seconds.toFixed(2)} s`);
  return events / seconds;
}

async function measureWrites(
  contender: Contender,
  label: string,
  writers: number,
  makeStep: () => () => Promise<number>,
): Promise<number> {
  await timed(writers, WARMUP_MS, makeStep);
  await contender.checkpoint();
  const { events, perSecond } = await timed(writers, MEASURE_MS, makeStep);
  progress(`${contender.name}: ${label} ${events} events, ${Math.round(perSecond)} events/s`);
  return perSecond;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  progress(`${benchSize()} run on ${BASE_URL.replace(/\/\/[^@]*@/, '//')}`);
  const admin = new Pool({ connectionString: BASE_URL, max: 2 });
  admin.on('error', () => undefined);
  const contenders: Contender[] = [];
  try {
    contenders.push(await openOurs(admin), await openRaw(admin), await openEmmett(admin));

    for (const contender of contenders) await seed(contender);

    const read: Record<string, number> = {};
    for (const contender of contenders) read[contender.name] = await measureRead(contender);

    const single: Record<string, number> = {};
    for (const contender of contenders) {
      single[contender.name] = await measureWrites(
        contender,
        'single',
        SINGLE_WRITERS,
        singleStep(contender),
      );
    }

    const batch: Record<string, number> = {};
    for (const contender of contenders) {
      batch[contender.name] = await measureWrites(
        contender,
        'batch',
        BATCH_WRITERS,
        batchStep(contender),
      );
    }

    result('append_single_events_per_s', Math.round(single.ours));
    result('append_batch_events_per_s', Math.round(batch.ours));
    result('read_all_events_per_s', Math.round(read.ours));
    result('emmett_append_single_events_per_s', Math.round(single.emmett));
    result('emmett_append_batch_events_per_s', Math.round(batch.emmett));
    result('emmett_read_all_events_per_s', Math.round(read.emmett));
    result('raw_insert_single_events_per_s', Math.round(single.raw));
    result('raw_insert_batch_events_per_s', Math.round(batch.raw));
    result('raw_select_read_events_per_s', Math.round(read.raw));
    result('ratio_vs_emmett_single', single.ours / single.emmett, 2);
    result('ratio_vs_emmett_batch', batch.ours / batch.emmett, 2);
    result('ratio_vs_emmett_read', read.ours / read.emmett, 2);
    result('ratio_vs_raw_insert_single', single.ours / single.raw, 2);
    result('ratio_vs_raw_insert_batch', batch.ours / batch.raw, 2);
    result('ratio_vs_raw_select_read', read.ours / read.raw, 2);
  } finally {
    for (const contender of contenders) {
      await contender
        .close()
        .catch((error) => progress(`${contender.name}: close failed: ${error}`));
    }
    await admin.end();
    progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
