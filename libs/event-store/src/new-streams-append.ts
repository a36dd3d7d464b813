import { chainCanonicalHashes, GENESIS_HASH } from '@policloud/audit';
import { AppendResult, StreamBatch } from './event-store.port';
import { AppendPiece, appendPieces, serialiseEvent } from './sql/append-statement';
import { SqlClient } from './sql/sql-executor';

const NO_STREAM_CODE = -2;

/**
 * Appends batches that each start a new stream, as SqlEventStore would one by one, in a single
 * statement: one round trip and one commit for the whole group, atomically. Payloads are chained
 * from the genesis hash (or carry no hashes without the chain).
 */
export async function appendNewStreams(
  sql: SqlClient,
  batches: readonly StreamBatch[],
  hashChain: boolean,
): Promise<AppendResult[]> {
  const pieces = batches.map((batch): AppendPiece => {
    const events = batch.events.map((event) => serialiseEvent(event, hashChain));
    return {
      streamId: batch.streamId,
      expected: NO_STREAM_CODE,
      events,
      ...(hashChain
        ? {
            chain: {
              prevHash: GENESIS_HASH,
              hashes: chainCanonicalHashes(batch.streamId, events, 0, GENESIS_HASH),
            },
          }
        : {}),
    };
  });
  const results = await appendPieces(sql, pieces);
  return results.map((result) => ({
    nextExpectedRevision: result.nextRevision,
    lastGlobalPosition: result.lastPosition,
  }));
}
