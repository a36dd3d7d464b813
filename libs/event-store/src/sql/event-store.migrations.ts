import { GENESIS_HASH } from '@policloud/audit';
import { SqlExecutor } from './sql-executor';

const GENESIS = GENESIS_HASH;

/**
 * Advisory lock key shared by writers (shared mode, for the length of their append transaction)
 * and by readers of the global log (exclusive mode, for an instant) — see es_high_water_mark.
 */
export const GLOBAL_LOG_LOCK_KEY = 72_620_001;

/** Migrations 1 to 3 (see EVENT_STORE_MIGRATIONS). */
const FIRST_MIGRATIONS: readonly string[] = [
  `
  CREATE SEQUENCE es_global_position_seq;

  CREATE TABLE es_streams (
    stream_id text PRIMARY KEY,
    revision bigint NOT NULL
  );

  -- data and metadata are json (not jsonb) so the stored text is exactly what was appended.
  CREATE TABLE es_events (
    global_position bigint PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    stream_id text NOT NULL,
    stream_revision bigint NOT NULL,
    event_type text NOT NULL,
    schema_version integer NOT NULL,
    data json NOT NULL,
    metadata json NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, stream_revision)
  );

  CREATE TABLE es_checkpoints (
    name text PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  );

  -- Appends one batch to one stream atomically. The batch comes as parallel arrays so data is
  -- stored as sent, never parsed. p_expected: >= 0 exact revision, -1 any, -2 no stream,
  -- -3 stream exists. Errors: PC409 wrong expected revision, PC422 reused event id.
  CREATE FUNCTION es_append(
    p_stream text, p_expected bigint,
    p_ids uuid[], p_types text[], p_versions integer[], p_data json[], p_metadata json[])
  RETURNS TABLE (next_revision bigint, last_position bigint)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_count int := cardinality(p_ids);
    v_current bigint;
    v_found boolean;
    v_first record;
    v_matching int;
  BEGIN
    PERFORM pg_advisory_xact_lock_shared(${GLOBAL_LOG_LOCK_KEY});

    -- A retried batch: its first id is stored already. Same batch → same result; else an error.
    SELECT e.stream_id, e.stream_revision INTO v_first
      FROM es_events e WHERE e.event_id = p_ids[1];
    IF FOUND THEN
      SELECT count(*) INTO v_matching
        FROM unnest(p_ids) WITH ORDINALITY AS x(id, n)
        JOIN es_events e ON e.event_id = x.id
       WHERE e.stream_id = p_stream AND e.stream_revision = v_first.stream_revision + x.n - 1;
      IF v_first.stream_id <> p_stream OR v_matching <> v_count THEN
        RAISE EXCEPTION 'event ids of this batch were already used for other events'
          USING ERRCODE = 'PC422';
      END IF;
      RETURN QUERY
        SELECT v_first.stream_revision + v_count - 1, max(e.global_position)
          FROM es_events e
         WHERE e.stream_id = p_stream
           AND e.stream_revision BETWEEN v_first.stream_revision AND v_first.stream_revision + v_count - 1;
      RETURN;
    END IF;

    LOOP
      SELECT s.revision INTO v_current FROM es_streams s WHERE s.stream_id = p_stream FOR UPDATE;
      v_found := FOUND;
      IF (p_expected = -2 AND v_found)
         OR (p_expected = -3 AND NOT v_found)
         OR (p_expected >= 0 AND (NOT v_found OR v_current <> p_expected)) THEN
        RAISE EXCEPTION 'wrong expected revision'
          USING ERRCODE = 'PC409', DETAIL = coalesce(v_current::text, 'none');
      END IF;
      IF v_found THEN
        UPDATE es_streams SET revision = v_current + v_count WHERE stream_id = p_stream;
        EXIT;
      END IF;
      v_current := -1;
      INSERT INTO es_streams (stream_id, revision) VALUES (p_stream, v_count - 1)
        ON CONFLICT (stream_id) DO NOTHING;
      EXIT WHEN FOUND;
      -- Lost a race to create the stream: check the expectation again against the winner.
    END LOOP;

    RETURN QUERY
      WITH inserted AS (
        INSERT INTO es_events
          (global_position, event_id, stream_id, stream_revision, event_type, schema_version, data, metadata)
        SELECT nextval('es_global_position_seq'), x.id, p_stream, v_current + x.n,
               x.type, x.version, x.data, x.metadata
          FROM unnest(p_ids, p_types, p_versions, p_data, p_metadata)
               WITH ORDINALITY AS x(id, type, version, data, metadata, n)
         ORDER BY x.n
        RETURNING global_position
      )
      SELECT v_current + v_count, max(inserted.global_position) FROM inserted;
  END
  $fn$;

  -- The highest global position below which every append has committed or rolled back.
  -- Positions come from a sequence, so a transaction can commit position 7 while position 6 is
  -- still in flight; a reader that moved past 7 would never see 6. Taking the exclusive side of
  -- the writers' lock waits out every in-flight append, and appends that start afterwards draw
  -- larger positions. Volatile, so the max() below sees what committed while we waited.
  CREATE FUNCTION es_high_water_mark() RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS $fn$
  BEGIN
    PERFORM pg_advisory_xact_lock(${GLOBAL_LOG_LOCK_KEY});
    RETURN (SELECT coalesce(max(global_position), 0) FROM es_events);
  END
  $fn$;
  `,
  // 2: the per-stream hash chain. Each event stores its hash and its predecessor's; the stream
  // row keeps the last hash so an append can check it extends the chain it was computed on.
  `
  ALTER TABLE es_events ADD COLUMN prev_hash text, ADD COLUMN hash text;
  ALTER TABLE es_streams ADD COLUMN last_hash text;

  DROP FUNCTION es_append(text, bigint, uuid[], text[], integer[], json[], json[]);

  -- As before, plus p_prev_hash (the hash the batch was chained to; NULL skips hashing) and the
  -- batch's hashes. PC412: the stream's last hash is not p_prev_hash (recompute and retry).
  CREATE FUNCTION es_append(
    p_stream text, p_expected bigint,
    p_ids uuid[], p_types text[], p_versions integer[], p_data json[], p_metadata json[],
    p_prev_hash text, p_hashes text[])
  RETURNS TABLE (next_revision bigint, last_position bigint)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_count int := cardinality(p_ids);
    v_current bigint;
    v_last_hash text;
    v_found boolean;
    v_first record;
    v_matching int;
  BEGIN
    PERFORM pg_advisory_xact_lock_shared(${GLOBAL_LOG_LOCK_KEY});

    SELECT e.stream_id, e.stream_revision INTO v_first
      FROM es_events e WHERE e.event_id = p_ids[1];
    IF FOUND THEN
      SELECT count(*) INTO v_matching
        FROM unnest(p_ids) WITH ORDINALITY AS x(id, n)
        JOIN es_events e ON e.event_id = x.id
       WHERE e.stream_id = p_stream AND e.stream_revision = v_first.stream_revision + x.n - 1;
      IF v_first.stream_id <> p_stream OR v_matching <> v_count THEN
        RAISE EXCEPTION 'event ids of this batch were already used for other events'
          USING ERRCODE = 'PC422';
      END IF;
      RETURN QUERY
        SELECT v_first.stream_revision + v_count - 1, max(e.global_position)
          FROM es_events e
         WHERE e.stream_id = p_stream
           AND e.stream_revision BETWEEN v_first.stream_revision AND v_first.stream_revision + v_count - 1;
      RETURN;
    END IF;

    LOOP
      SELECT s.revision, s.last_hash INTO v_current, v_last_hash
        FROM es_streams s WHERE s.stream_id = p_stream FOR UPDATE;
      v_found := FOUND;
      IF (p_expected = -2 AND v_found)
         OR (p_expected = -3 AND NOT v_found)
         OR (p_expected >= 0 AND (NOT v_found OR v_current <> p_expected)) THEN
        RAISE EXCEPTION 'wrong expected revision'
          USING ERRCODE = 'PC409', DETAIL = coalesce(v_current::text, 'none');
      END IF;
      IF p_prev_hash IS NOT NULL
         AND coalesce(v_last_hash, '${GENESIS}') IS DISTINCT FROM p_prev_hash THEN
        RAISE EXCEPTION 'the batch does not extend the stream''s hash chain'
          USING ERRCODE = 'PC412', DETAIL = coalesce(v_current::text, 'none');
      END IF;
      IF v_found THEN
        UPDATE es_streams SET revision = v_current + v_count, last_hash = p_hashes[v_count]
         WHERE stream_id = p_stream;
        EXIT;
      END IF;
      v_current := -1;
      INSERT INTO es_streams (stream_id, revision, last_hash) VALUES (p_stream, v_count - 1, p_hashes[v_count])
        ON CONFLICT (stream_id) DO NOTHING;
      EXIT WHEN FOUND;
    END LOOP;

    RETURN QUERY
      WITH inserted AS (
        INSERT INTO es_events
          (global_position, event_id, stream_id, stream_revision, event_type, schema_version, data,
           metadata, prev_hash, hash)
        SELECT nextval('es_global_position_seq'), x.id, p_stream, v_current + x.n,
               x.type, x.version, x.data, x.metadata,
               CASE WHEN x.n = 1 THEN p_prev_hash ELSE p_hashes[x.n - 1] END, x.hash
          FROM unnest(p_ids, p_types, p_versions, p_data, p_metadata, p_hashes)
               WITH ORDINALITY AS x(id, type, version, data, metadata, hash, n)
         ORDER BY x.n
        RETURNING global_position
      )
      SELECT v_current + v_count, max(inserted.global_position) FROM inserted;
  END
  $fn$;
  `,
  // 3: hashes as their 32 bytes (bytea) rather than 64 hex characters: half the bytes stored and
  // written per hash. A batch's hashes arrive as one bytea (32 bytes per event, in order), a
  // binary parameter the driver sends as is, instead of a text array escaped element by element.
  `
  ALTER TABLE es_events
    ALTER COLUMN prev_hash TYPE bytea USING decode(prev_hash, 'hex'),
    ALTER COLUMN hash TYPE bytea USING decode(hash, 'hex');
  ALTER TABLE es_streams ALTER COLUMN last_hash TYPE bytea USING decode(last_hash, 'hex');

  DROP FUNCTION es_append(text, bigint, uuid[], text[], integer[], json[], json[], text, text[]);

  -- As before, with p_prev_hash (32 bytes) and p_hashes (the batch's hashes end to end).
  CREATE FUNCTION es_append(
    p_stream text, p_expected bigint,
    p_ids uuid[], p_types text[], p_versions integer[], p_data json[], p_metadata json[],
    p_prev_hash bytea, p_hashes bytea)
  RETURNS TABLE (next_revision bigint, last_position bigint)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_count int := cardinality(p_ids);
    v_current bigint;
    v_last_hash bytea;
    v_found boolean;
    v_first record;
    v_matching int;
  BEGIN
    IF (p_prev_hash IS NULL) <> (p_hashes IS NULL)
       OR octet_length(p_prev_hash) <> 32 OR octet_length(p_hashes) <> 32 * v_count THEN
      RAISE EXCEPTION 'a hashed batch needs a 32-byte previous hash and 32 bytes per event'
        USING ERRCODE = '22023';
    END IF;

    PERFORM pg_advisory_xact_lock_shared(${GLOBAL_LOG_LOCK_KEY});

    SELECT e.stream_id, e.stream_revision INTO v_first
      FROM es_events e WHERE e.event_id = p_ids[1];
    IF FOUND THEN
      SELECT count(*) INTO v_matching
        FROM unnest(p_ids) WITH ORDINALITY AS x(id, n)
        JOIN es_events e ON e.event_id = x.id
       WHERE e.stream_id = p_stream AND e.stream_revision = v_first.stream_revision + x.n - 1;
      IF v_first.stream_id <> p_stream OR v_matching <> v_count THEN
        RAISE EXCEPTION 'event ids of this batch were already used for other events'
          USING ERRCODE = 'PC422';
      END IF;
      RETURN QUERY
        SELECT v_first.stream_revision + v_count - 1, max(e.global_position)
          FROM es_events e
         WHERE e.stream_id = p_stream
           AND e.stream_revision BETWEEN v_first.stream_revision AND v_first.stream_revision + v_count - 1;
      RETURN;
    END IF;

    LOOP
      SELECT s.revision, s.last_hash INTO v_current, v_last_hash
        FROM es_streams s WHERE s.stream_id = p_stream FOR UPDATE;
      v_found := FOUND;
      IF (p_expected = -2 AND v_found)
         OR (p_expected = -3 AND NOT v_found)
         OR (p_expected >= 0 AND (NOT v_found OR v_current <> p_expected)) THEN
        RAISE EXCEPTION 'wrong expected revision'
          USING ERRCODE = 'PC409', DETAIL = coalesce(v_current::text, 'none');
      END IF;
      IF p_prev_hash IS NOT NULL
         AND coalesce(v_last_hash, decode('${GENESIS}', 'hex')) IS DISTINCT FROM p_prev_hash THEN
        RAISE EXCEPTION 'the batch does not extend the stream''s hash chain'
          USING ERRCODE = 'PC412', DETAIL = coalesce(v_current::text, 'none');
      END IF;
      IF v_found THEN
        UPDATE es_streams
           SET revision = v_current + v_count,
               last_hash = substring(p_hashes FROM 32 * v_count - 31 FOR 32)
         WHERE stream_id = p_stream;
        EXIT;
      END IF;
      v_current := -1;
      INSERT INTO es_streams (stream_id, revision, last_hash)
        VALUES (p_stream, v_count - 1, substring(p_hashes FROM 32 * v_count - 31 FOR 32))
        ON CONFLICT (stream_id) DO NOTHING;
      EXIT WHEN FOUND;
    END LOOP;

    RETURN QUERY
      WITH inserted AS (
        INSERT INTO es_events
          (global_position, event_id, stream_id, stream_revision, event_type, schema_version, data,
           metadata, prev_hash, hash)
        SELECT nextval('es_global_position_seq'), x.id, p_stream, v_current + x.n,
               x.type, x.version, x.data, x.metadata,
               CASE WHEN x.n = 1 THEN p_prev_hash ELSE substring(p_hashes FROM 32 * x.n::int - 63 FOR 32) END,
               substring(p_hashes FROM 32 * x.n::int - 31 FOR 32)
          FROM unnest(p_ids, p_types, p_versions, p_data, p_metadata)
               WITH ORDINALITY AS x(id, type, version, data, metadata, n)
         ORDER BY x.n
        RETURNING global_position
      )
      SELECT v_current + v_count, max(inserted.global_position) FROM inserted;
  END
  $fn$;
  `,
];

/**
 * The global log's lock, scoped to the schema: advisory locks are shared by a whole database, so
 * with one key every deployment (or test schema) of a database would queue behind the others'
 * appends and reads. Two 32-bit keys: the log's, and the schema's hash.
 */
const SCHEMA_LOG_LOCK = `${GLOBAL_LOG_LOCK_KEY}, hashtext(current_schema())`;

/** A function of an earlier migration, recreated in place with the schema-scoped lock. */
function withSchemaLock(migration: string, name: string): string {
  const start = migration.indexOf(`CREATE FUNCTION ${name}(`);
  const end = migration.indexOf('$fn$;', start) + '$fn$;'.length;
  return migration
    .slice(start, end)
    .replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION')
    .replaceAll(`(${GLOBAL_LOG_LOCK_KEY})`, `(${SCHEMA_LOG_LOCK})`);
}

/** Ordered, append-only list of schema migrations; the index + 1 is the schema version. */
export const EVENT_STORE_MIGRATIONS: readonly string[] = [
  ...FIRST_MIGRATIONS,
  // 4: the log's functions, each taking the schema-scoped lock.
  [
    withSchemaLock(FIRST_MIGRATIONS[0], 'es_high_water_mark'),
    withSchemaLock(FIRST_MIGRATIONS[2], 'es_append'),
  ].join('\n\n'),
];

/** Brings the schema to the latest version; safe to call from several processes at once. */
export async function migrateEventStore(executor: SqlExecutor): Promise<void> {
  await executor.transaction(async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(${GLOBAL_LOG_LOCK_KEY + 1})`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS es_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const [{ version }] = await client.query<{ version: number }>(
      'SELECT coalesce(max(version), 0) AS version FROM es_schema_migrations',
    );
    for (let index = version; index < EVENT_STORE_MIGRATIONS.length; index++) {
      await client.exec(EVENT_STORE_MIGRATIONS[index]);
      await client.query('INSERT INTO es_schema_migrations (version) VALUES ($1)', [index + 1]);
    }
  });
}
