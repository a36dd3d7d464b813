import { setImmediate as nextTurn } from 'node:timers/promises';
import { chainCanonicalHashes, GENESIS_HASH } from '@policloud/audit';
import {
  ANY,
  AppendResult,
  ExpectedRevision,
  NO_STREAM,
  STREAM_EXISTS,
  StreamBatch,
} from '../event-store.port';
import { AppendPiece, appendPieces, SerialisedEvent, serialiseEvent } from './append-statement';
import { SqlClient } from './sql-executor';

/**
 * Events per statement. Bounds the work between two turns of the event loop (serialising and
 * hashing a statement's events) and the slices es_append takes out of its array parameters.
 */
const EVENTS_PER_STATEMENT = 1_000;
/**
 * Payload characters per statement: events with large payloads (an allocation over many slots)
 * make fewer per statement, so serialising, hashing and binding one stays a few tens of ms.
 */
const PAYLOAD_CHARS_PER_STATEMENT = 256 * 1024;

const EXPECTED_CODES: Record<string, number> = {
  [ANY]: -1,
  [NO_STREAM]: -2,
  [STREAM_EXISTS]: -3,
};

export const expectedCode = (expected: ExpectedRevision): number =>
  typeof expected === 'number' ? expected : EXPECTED_CODES[expected];

/** A stream's last revision and the hash it ends on. */
export interface StreamTip {
  revision: number;
  hash: string;
}

export interface StreamsAppended {
  results: AppendResult[];
  /** The hash each batch's stream ends on (with the chain). */
  lastHashes: (string | undefined)[];
}

/**
 * A statement that failed: the batch it is laid to and whether the whole append may be tried
 * again (the stores' state moved under the plan: a stream the plan saw absent was created).
 */
export class PieceAppendError extends Error {
  constructor(
    readonly failure: unknown,
    readonly batch: StreamBatch,
    readonly retryable: boolean,
  ) {
    super((failure as Error).message);
  }
}

/** A piece to append and what it was planned against. */
interface Planned {
  piece: AppendPiece;
  index: number;
  /** For a batch's first piece: the stream's tip the plan expected (undefined: absent). */
  tipBefore?: StreamTip;
  first: boolean;
}

/**
 * Appends many batches inside the caller's transaction, in statements of a thousand events (a
 * batch longer than that continues in the next ones at its exact revision): a run that writes
 * thousands of streams makes a hundred round trips, not thousands, and leaves the event loop
 * between statements. The tips of existing streams are read and locked first, in one query; a
 * stream named by several batches continues from where the previous one left it.
 */
export async function appendStreams(
  client: SqlClient,
  batches: readonly StreamBatch[],
  hashChain: boolean,
): Promise<StreamsAppended> {
  const tips = await readTips(client, [...new Set(batches.map((batch) => batch.streamId))], true);
  const results: AppendResult[] = [];
  const lastHashes: (string | undefined)[] = [];
  let statement: Planned[] = [];
  let statementStreams = new Set<string>();
  let statementEvents = 0;
  let statementBytes = 0;
  const statementFull = () =>
    statementEvents >= EVENTS_PER_STATEMENT || statementBytes >= PAYLOAD_CHARS_PER_STATEMENT;

  const flush = async () => {
    if (statement.length === 0) return;
    await nextTurn(); // between serialising the statement and binding it
    let appended;
    try {
      appended = await appendPieces(
        client,
        statement.map(({ piece }) => piece),
      );
    } catch (error) {
      throw failureOf(error, statement, batches);
    }
    // A batch's result is its last piece's.
    statement.forEach(({ piece, index }, n) => {
      results[index] = {
        nextExpectedRevision: appended[n].nextRevision,
        lastGlobalPosition: appended[n].lastPosition,
      };
      lastHashes[index] = piece.chain?.hashes.at(-1);
    });
    statement = [];
    statementStreams = new Set();
    statementEvents = 0;
    statementBytes = 0;
    await nextTurn();
  };

  for (const [index, batch] of batches.entries()) {
    const tipBefore = tips.get(batch.streamId);
    let revision =
      typeof batch.expectedRevision === 'number'
        ? batch.expectedRevision
        : batch.expectedRevision === NO_STREAM
          ? -1
          : (tipBefore?.revision ?? -1);
    let prevHash =
      batch.expectedRevision === NO_STREAM ? GENESIS_HASH : (tipBefore?.hash ?? GENESIS_HASH);
    for (let offset = 0; offset < batch.events.length;) {
      if (statementFull() || statementStreams.has(batch.streamId)) await flush();
      // The batch's next events, as many as the statement takes.
      const events: SerialisedEvent[] = [];
      while (offset + events.length < batch.events.length && !statementFull()) {
        const event = serialiseEvent(batch.events[offset + events.length], hashChain);
        events.push(event);
        statementEvents++;
        statementBytes += event.dataJson.length + event.metadataJson.length;
      }
      const take = events.length;
      const hashes = hashChain
        ? chainCanonicalHashes(batch.streamId, events, revision + 1, prevHash)
        : undefined;
      statement.push({
        index,
        first: offset === 0,
        tipBefore,
        piece: {
          streamId: batch.streamId,
          // The first piece carries the caller's expectation; the next ones continue it exactly.
          expected: offset === 0 ? expectedCode(batch.expectedRevision) : revision,
          events,
          ...(hashes ? { chain: { prevHash, hashes } } : {}),
        },
      });
      statementStreams.add(batch.streamId);
      offset += take;
      revision += take;
      if (hashes) prevHash = hashes[hashes.length - 1];
    }
    tips.set(batch.streamId, { revision, hash: prevHash });
  }
  await flush();
  return { results, lastHashes };
}

/** Revisions and last hashes of the streams that exist, locked in a stable order if asked. */
export async function readTips(
  client: SqlClient,
  streamIds: readonly string[],
  lock: boolean,
): Promise<Map<string, StreamTip>> {
  const rows = await client.query<{
    stream_id: string;
    revision: number;
    last_hash: string | null;
  }>(
    `SELECT stream_id, revision, encode(last_hash, 'hex') AS last_hash FROM es_streams
      WHERE stream_id = ANY($1::text[]) ORDER BY stream_id${lock ? ' FOR UPDATE' : ''}`,
    [streamIds],
  );
  return new Map(
    rows.map((row) => [
      row.stream_id,
      { revision: Number(row.revision), hash: row.last_hash ?? GENESIS_HASH },
    ]),
  );
}

/**
 * Lays a failed statement to the first batch whose expectation contradicts the tip it was
 * planned against. When none does, the store moved under the plan (a stream seen absent was
 * created meanwhile): the append may be tried again on fresh tips.
 */
function failureOf(
  error: unknown,
  statement: readonly Planned[],
  batches: readonly StreamBatch[],
): PieceAppendError {
  const contradicted = statement.find(({ first, index, tipBefore }) => {
    if (!first) return false;
    const expected = batches[index].expectedRevision;
    if (expected === NO_STREAM) return tipBefore !== undefined;
    if (expected === STREAM_EXISTS) return tipBefore === undefined;
    return typeof expected === 'number' && (tipBefore?.revision ?? -1) !== expected;
  });
  const code = (error as { code?: string }).code;
  if (contradicted) return new PieceAppendError(error, batches[contradicted.index], false);
  return new PieceAppendError(
    error,
    batches[statement[0].index],
    code === 'PC409' || code === 'PC412',
  );
}
