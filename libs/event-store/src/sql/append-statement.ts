import { canonicalJson } from '@policloud/audit';
import { EventToAppend } from '../event-store.port';
import { SqlClient } from './sql-executor';

/**
 * Several es_append calls in one statement: one round trip for many streams. The pieces' events
 * travel flattened, each piece naming its slice (first, count); their hashes travel as one bytea,
 * 32 bytes per event in the same order, and the hashes the pieces extend as another, 32 bytes per
 * piece. The calls run in the pieces' order. Keep the call in step with es_append's signature
 * (event-store.migrations.ts).
 */
const APPEND_PIECES = `
  SELECT r.next_revision, r.last_position
    FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[])
         WITH ORDINALITY AS p(stream_id, expected, first, count, n)
   CROSS JOIN LATERAL es_append(
     p.stream_id, p.expected,
     ($5::uuid[])[p.first : p.first + p.count - 1],
     ($6::text[])[p.first : p.first + p.count - 1],
     ($7::int[])[p.first : p.first + p.count - 1],
     ($8::json[])[p.first : p.first + p.count - 1],
     ($9::json[])[p.first : p.first + p.count - 1],
     substring($10::bytea FROM 32 * p.n::int - 31 FOR 32),
     substring($11::bytea FROM 32 * p.first - 31 FOR 32 * p.count)) AS r
   ORDER BY p.n`;

/** An event as stored: payloads already serialised (canonical JSON under the hash chain). */
export interface SerialisedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
}

/** An event's payloads as stored: canonical JSON under the hash chain, plain JSON without. */
export function serialiseEvent(event: EventToAppend, hashChain: boolean): SerialisedEvent {
  const serialise = hashChain ? canonicalJson : (value: unknown) => JSON.stringify(value);
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson: serialise(event.data),
    metadataJson: serialise(event.metadata),
  };
}

/** Events appended to one stream by one es_append call. */
export interface AppendPiece {
  streamId: string;
  /** es_append's expectation: a revision, or -1 (any), -2 (no stream), -3 (stream exists). */
  expected: number;
  events: readonly SerialisedEvent[];
  /** With the hash chain: the hex hash the piece extends, and its events' hex hashes. */
  chain?: { prevHash: string; hashes: readonly string[] };
}

export interface PieceResult {
  nextRevision: number;
  lastPosition: number;
}

/** Appends the pieces in order, all or nothing (one statement). */
export async function appendPieces(
  sql: SqlClient,
  pieces: readonly AppendPiece[],
): Promise<PieceResult[]> {
  const firsts: number[] = [];
  const events: SerialisedEvent[] = [];
  for (const piece of pieces) {
    firsts.push(events.length + 1);
    events.push(...piece.events);
  }
  const chained = pieces.every((piece) => piece.chain !== undefined);
  const rows = await sql.query<{ next_revision: number; last_position: number }>(APPEND_PIECES, [
    pieces.map((piece) => piece.streamId),
    pieces.map((piece) => piece.expected),
    firsts,
    pieces.map((piece) => piece.events.length),
    events.map((event) => event.id),
    events.map((event) => event.type),
    events.map((event) => event.schemaVersion),
    events.map((event) => event.dataJson),
    events.map((event) => event.metadataJson),
    chained ? hexBytes(pieces.map((piece) => piece.chain!.prevHash)) : null,
    chained ? hexBytes(pieces.flatMap((piece) => piece.chain!.hashes)) : null,
  ]);
  if (rows.length !== pieces.length) {
    throw new Error(`append returned ${rows.length} results for ${pieces.length} pieces`);
  }
  return rows.map((row) => ({
    nextRevision: Number(row.next_revision),
    lastPosition: Number(row.last_position),
  }));
}

/** Hex hashes end to end as bytes. */
export function hexBytes(hexHashes: readonly string[]): Buffer {
  const bytes = Buffer.allocUnsafe(32 * hexHashes.length);
  for (let index = 0; index < hexHashes.length; index++)
    bytes.write(hexHashes[index], 32 * index, 'hex');
  return bytes;
}
