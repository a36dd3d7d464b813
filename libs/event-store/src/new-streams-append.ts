import { canonicalJson, chainCanonicalHashes, GENESIS_HASH } from '@policloud/audit';
import { AppendResult, StreamBatch } from './event-store.port';
import { SqlClient } from './sql/sql-executor';

/**
 * Every batch creates its stream with es_append (expected revision -2: no stream), one call per
 * batch in a single statement: one round trip and one commit for the whole group, atomically.
 * The events travel flattened, tagged with their batch's ordinal; their hashes travel as one
 * bytea, 32 bytes per event in the same order, of which each batch takes its contiguous slice.
 * Keep the call in step with es_append's signature (event-store.migrations.ts).
 */
const APPEND_NEW_STREAMS = `
  SELECT r.next_revision, r.last_position
    FROM unnest($1::text[]) WITH ORDINALITY AS b(stream_id, n)
   CROSS JOIN LATERAL (
     SELECT array_agg(e.id ORDER BY e.k) AS ids, array_agg(e.type ORDER BY e.k) AS types,
            array_agg(e.version ORDER BY e.k) AS versions, array_agg(e.data ORDER BY e.k) AS data,
            array_agg(e.metadata ORDER BY e.k) AS metadata,
            substring($8::bytea FROM 32 * min(e.k)::int - 31 FOR 32 * count(*)::int) AS hashes
       FROM unnest($2::int[], $3::uuid[], $4::text[], $5::int[], $6::json[], $7::json[])
            WITH ORDINALITY AS e(batch, id, type, version, data, metadata, k)
      WHERE e.batch = b.n
   ) AS events
   CROSS JOIN LATERAL es_append(b.stream_id, -2, events.ids, events.types, events.versions,
                                events.data, events.metadata, $9::bytea, events.hashes) AS r
   ORDER BY b.n`;

const GENESIS_BYTES = Buffer.from(GENESIS_HASH, 'hex');

/**
 * Appends batches that each start a new stream, as SqlEventStore would one by one: payloads as
 * canonical JSON chained from the genesis hash (or plain JSON and no hashes without the chain).
 */
export async function appendNewStreams(
  sql: SqlClient,
  batches: readonly StreamBatch[],
  hashChain: boolean,
): Promise<AppendResult[]> {
  const serialise = hashChain ? canonicalJson : (value: unknown) => JSON.stringify(value);
  const columns = {
    batch: [] as number[],
    id: [] as string[],
    type: [] as string[],
    version: [] as number[],
    data: [] as string[],
    metadata: [] as string[],
    hash: [] as string[],
  };
  batches.forEach((batch, index) => {
    const payloads = batch.events.map((event) => ({
      id: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      dataJson: serialise(event.data),
      metadataJson: serialise(event.metadata),
    }));
    if (hashChain)
      columns.hash.push(...chainCanonicalHashes(batch.streamId, payloads, 0, GENESIS_HASH));
    for (const payload of payloads) {
      columns.batch.push(index + 1);
      columns.id.push(payload.id);
      columns.type.push(payload.type);
      columns.version.push(payload.schemaVersion);
      columns.data.push(payload.dataJson);
      columns.metadata.push(payload.metadataJson);
    }
  });
  const rows = await sql.query<{ next_revision: number; last_position: number }>(
    APPEND_NEW_STREAMS,
    [
      batches.map((batch) => batch.streamId),
      columns.batch,
      columns.id,
      columns.type,
      columns.version,
      columns.data,
      columns.metadata,
      hashChain ? Buffer.from(columns.hash.join(''), 'hex') : null,
      hashChain ? GENESIS_BYTES : null,
    ],
  );
  if (rows.length !== batches.length) {
    throw new Error(`group append returned ${rows.length} results for ${batches.length} batches`);
  }
  return rows.map((row) => ({
    nextExpectedRevision: Number(row.next_revision),
    lastGlobalPosition: Number(row.last_position),
  }));
}
