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
import { serialiseEvent } from '../new-streams-append';
import { AppendPiece, appendPieces } from './append-statement';
import { SqlClient } from './sql-executor';

/**
 * Events per statement. Bounds the work between two turns of the event loop (serialising and
 * hashing a statement's events) and the slices es_append takes out of its array parameters.
 */
const EVENTS_PER_STATEMENT = 1_000;

export const EXPECTED_CODES: Record<string, number> = {
  [ANY]: -1,
  [NO_STREAM]: -2,
  [STREAM_EXISTS]: -3,
};

export const expectedCode = (expected: ExpectedRevision): number =>
  typeof expected === 'number' ? expected : EXPECTED_CODES[expected];

export interface StreamTip {
  revision: number;
  hash: string;
}

export interface StreamsAppended {
  results: AppendResult[];
  /** The hash each batch's stream ends on (with the chain). */
  lastHashes: (string | undefined)[];
}

/** A statement that failed, and the batch the failure is laid to when the database cannot say. */
export class PieceAppendError extends Error {
  constructor(
    readonly failure: unknown,
    readonly batch: StreamBatch,
  ) {
    super((failure as Error).message);
  }
}

/**
 * Appends many batches inside the caller's transaction, in statements of a thousand events (a
 * batch longer than that continues in the next ones at its exact revision): a run that writes
 * thousands of streams makes a hundred round trips, not thousands, and leaves the event loop
 * between statements. The tips of existing streams are read and locked first, in one query.
 */
export async function appendStreams(
  client: SqlClient,
  batches: readonly StreamBatch[],
  hashChain: boolean,
): Promise<StreamsAppended> {
  const tips = await lockTips(client, batches);
  const results: AppendResult[] = [];
  const lastHashes: (string | undefined)[] = [];
  let statement: { piece: AppendPiece; index: number }[] = [];
  let statementStreams = new Set<string>();
  let statementEvents = 0;

  const flush = async () => {
    if (statement.length === 0) return;
    const pieces = statement.map(({ piece }) => piece);
    await nextTurn(); // between serialising the statement and binding it
    let appended;
    try {
      appended = await appendPieces(client, pieces);
    } catch (error) {
      throw new PieceAppendError(
        error,
        culprit(
          statement.map(({ index }) => batches[index]),
          tips,
        ),
      );
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
    await nextTurn();
  };

  for (const [index, batch] of batches.entries()) {
    const tip = tips.get(batch.streamId);
    let revision =
      typeof batch.expectedRevision === 'number'
        ? batch.expectedRevision
        : batch.expectedRevision === NO_STREAM
          ? -1
          : (tip?.revision ?? -1);
    let prevHash =
      batch.expectedRevision === NO_STREAM ? GENESIS_HASH : (tip?.hash ?? GENESIS_HASH);
    for (let offset = 0; offset < batch.events.length;) {
      if (statementEvents >= EVENTS_PER_STATEMENT || statementStreams.has(batch.streamId)) {
        await flush();
      }
      const take = Math.min(batch.events.length - offset, EVENTS_PER_STATEMENT - statementEvents);
      const events = batch.events
        .slice(offset, offset + take)
        .map((event) => serialiseEvent(event, hashChain));
      const hashes = hashChain
        ? chainCanonicalHashes(batch.streamId, events, revision + 1, prevHash)
        : undefined;
      statement.push({
        index,
        piece: {
          streamId: batch.streamId,
          // The first piece carries the caller's expectation; the next ones continue it exactly.
          expected: offset === 0 ? expectedCode(batch.expectedRevision) : revision,
          events,
          ...(hashes ? { chain: { prevHash, hashes } } : {}),
        },
      });
      statementStreams.add(batch.streamId);
      statementEvents += take;
      offset += take;
      revision += take;
      if (hashes) prevHash = hashes[hashes.length - 1];
    }
  }
  await flush();
  return { results, lastHashes };
}

/** Revisions and last hashes of the batches' existing streams, locked in a stable order. */
async function lockTips(
  client: SqlClient,
  batches: readonly StreamBatch[],
): Promise<Map<string, StreamTip>> {
  const streamIds = [...new Set(batches.map((batch) => batch.streamId))];
  const tips = new Map<string, StreamTip>();
  const rows = await client.query<{
    stream_id: string;
    revision: number;
    last_hash: string | null;
  }>(
    `SELECT stream_id, revision, encode(last_hash, 'hex') AS last_hash FROM es_streams
      WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
    [streamIds],
  );
  for (const row of rows) {
    tips.set(row.stream_id, {
      revision: Number(row.revision),
      hash: row.last_hash ?? GENESIS_HASH,
    });
  }
  return tips;
}

/** The first batch of a failed statement whose expectation the locked tips contradict. */
function culprit(batches: readonly StreamBatch[], tips: Map<string, StreamTip>): StreamBatch {
  const contradicted = batches.find(({ streamId, expectedRevision }) => {
    const tip = tips.get(streamId);
    if (expectedRevision === NO_STREAM) return tip !== undefined;
    if (expectedRevision === STREAM_EXISTS) return tip === undefined;
    return typeof expectedRevision === 'number' && (tip?.revision ?? -1) !== expectedRevision;
  });
  return contradicted ?? batches[0];
}
