import {
  ANY as ESDB_ANY,
  AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM as ESDB_NO_STREAM,
  ResolvedEvent,
  START,
  STREAM_EXISTS as ESDB_STREAM_EXISTS,
  StreamNotFoundError as EsdbStreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  ANY,
  AppendResult,
  CheckpointStore,
  EventMetadata,
  EventStore,
  EventStoreHealth,
  EventToAppend,
  ExpectedRevision,
  NO_STREAM,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamBatch,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { chainHashes, GENESIS_HASH } from '@policloud/audit';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../event-store.errors';
import { PollingSubscription } from '../polling-subscription';
import { validateAppend } from '../validate-append';

/** Our schema version and hash chain travel in the ESDB metadata under these keys. */
const SCHEMA_VERSION_KEY = '$schemaVersion';
const HASH_KEY = '$hash';
const PREV_HASH_KEY = '$prevHash';
const CHAIN_RETRIES = 10;

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === ANY) return ESDB_ANY;
  if (expected === NO_STREAM) return ESDB_NO_STREAM;
  if (typeof expected === 'number') return BigInt(expected);
  return ESDB_STREAM_EXISTS;
}

function toRecorded(resolved: ResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || !event.isJson || event.type.startsWith('$')) return null;
  const {
    [SCHEMA_VERSION_KEY]: schemaVersion,
    [HASH_KEY]: hash,
    [PREV_HASH_KEY]: prevHash,
    ...metadata
  } = (event.metadata ?? {}) as Record<string, unknown>;
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    globalPosition: Number(event.position?.commit ?? resolved.commitPosition ?? 0),
    type: event.type,
    schemaVersion: Number(schemaVersion ?? 1),
    // Cast kept: the store adapter reads untyped JSON; domain types are applied above the store.
    data: event.data as Record<string, unknown>,
    metadata: metadata as EventMetadata,
    recordedAt: event.created.toISOString(),
    ...(typeof hash === 'string' ? { hash, prevHash: prevHash as string } : {}),
  };
}

/**
 * EventStoreDB / KurrentDB adapter. The global position is the event's commit position in the
 * transaction file; idempotency by event id is the server's own. Not verified in this
 * repository's CI (no server can run there): it runs the conformance suite whenever
 * ESDB_CONNECTION_STRING is set.
 */
export class EsdbEventStore implements EventStore, CheckpointStore {
  readonly adapter = 'esdb';

  constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    validateAppend(streamId, events, expectedRevision);
    for (let attempt = 0; ; attempt++) {
      const tip = await this.chainTip(streamId, expectedRevision);
      const hashes = chainHashes(streamId, events, tip.revision + 1, tip.hash);
      // The append is pinned to the tip it was chained to; Any/StreamExists retry on a race.
      const pinned =
        typeof expectedRevision === 'number' || expectedRevision === NO_STREAM
          ? toEsdbExpected(expectedRevision)
          : tip.revision < 0
            ? ESDB_NO_STREAM
            : BigInt(tip.revision);
      try {
        const result = await this.client.appendToStream(
          streamId,
          events.map((event, index) =>
            jsonEvent({
              id: event.id,
              type: event.type,
              // Cast kept: the client's JSON type is narrower than the port's object data.
              data: event.data as never,
              metadata: {
                ...event.metadata,
                [SCHEMA_VERSION_KEY]: event.schemaVersion,
                [PREV_HASH_KEY]: index === 0 ? tip.hash : hashes[index - 1],
                [HASH_KEY]: hashes[index],
              },
            }),
          ),
          { expectedRevision: pinned },
        );
        return {
          nextExpectedRevision: Number(result.nextExpectedRevision),
          lastGlobalPosition: Number(result.position?.commit ?? 0),
        };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) {
          const racedOnTip = pinned !== toEsdbExpected(expectedRevision);
          if (racedOnTip && attempt < CHAIN_RETRIES) continue;
          const actual =
            typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : null;
          throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
        }
        throw error;
      }
    }
  }

  /** Revision and hash of the stream's last event (a new stream chains to the genesis hash). */
  private async chainTip(
    streamId: string,
    expected: ExpectedRevision,
  ): Promise<{ revision: number; hash: string }> {
    if (expected === NO_STREAM) return { revision: -1, hash: GENESIS_HASH };
    try {
      const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      return last
        ? { revision: last.revision, hash: last.hash ?? GENESIS_HASH }
        : { revision: -1, hash: GENESIS_HASH };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { revision: -1, hash: GENESIS_HASH };
      throw error;
    }
  }

  /**
   * Not atomic on EventStoreDB: batches are appended one after another and a failure leaves the
   * earlier ones in place. Callers that need all-or-nothing (matching runs) must run on SQL.
   */
  async appendMany(batches: readonly StreamBatch[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const batch of batches) {
      results.push(await this.append(batch.streamId, batch.events, batch.expectedRevision));
    }
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision:
          options.fromRevision === undefined
            ? backwards
              ? END
              : START
            : BigInt(options.fromRevision),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) {
        const event = toRecorded(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof EsdbStreamNotFoundError) throw new StreamNotFoundError(streamId);
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const maxCount = options.maxCount ?? 1000;
    const events: RecordedEvent[] = [];
    // ESDB reads $all from an inclusive position: start at `after` and drop that event itself.
    const read = this.client.readAll({
      fromPosition: after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) },
      maxCount: maxCount + 1,
    });
    for await (const resolved of read) {
      const event = toRecorded(resolved);
      if (event && event.globalPosition > after) events.push(event);
      if (events.length === maxCount) break;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return new PollingSubscription(this, options);
  }

  async headPosition(): Promise<number> {
    const read = this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
      filter: excludeSystemEvents(),
    } as never);
    for await (const resolved of read) return Number(resolved.event?.position?.commit ?? 0);
    return 0;
  }

  async health(): Promise<EventStoreHealth> {
    try {
      return { status: 'up', adapter: this.adapter, headPosition: await this.headPosition() };
    } catch (error) {
      return { status: 'down', adapter: this.adapter, error: (error as Error).message };
    }
  }

  async load(name: string): Promise<number> {
    try {
      const [last] = await this.readStream(checkpointStream(name), {
        direction: 'backwards',
        maxCount: 1,
      });
      return Number(last?.data.position ?? 0);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 0;
      throw error;
    }
  }

  async save(name: string, position: number): Promise<void> {
    await this.client.appendToStream(
      checkpointStream(name),
      jsonEvent({ type: 'CheckpointSaved', data: { position } }),
    );
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function checkpointStream(name: string): string {
  return `checkpoint-${name}`;
}
