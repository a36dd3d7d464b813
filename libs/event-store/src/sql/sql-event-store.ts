import {
  AppendResult,
  CheckpointStore,
  EventStore,
  EventStoreHealth,
  EventToAppend,
  ExpectedRevision,
  NO_STREAM,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamBatch,
  Subscription,
  SubscribeOptions,
} from '../event-store.port';
import {
  DuplicateEventIdError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../event-store.errors';
import { chainCanonicalHashes, GENESIS_HASH } from '@policloud/audit';
import { PollingSubscription } from '../polling-subscription';
import { validateAppend, validateAppends } from '../validate-append';
import { hexBytes, serialiseEvent } from './append-statement';
import { migrateEventStore } from './event-store.migrations';
import { SqlClient, SqlExecutor } from './sql-executor';
import {
  appendStreams,
  expectedCode,
  PieceAppendError,
  readTips,
  StreamTip,
} from './streams-append';

interface EventRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_revision: number;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
  prev_hash: string | null;
  hash: string | null;
}

// Hashes are stored as bytes (bytea) and read as the hex the hash chain is defined on.
const EVENT_COLUMNS =
  "global_position, event_id, stream_id, stream_revision, event_type, schema_version, data, metadata, recorded_at, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash";

/** How many streams' chain tips are remembered, to skip reading them before an append. */
const CHAIN_TIPS_CACHED = 10_000;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    globalPosition: Number(row.global_position),
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: new Date(row.recorded_at).toISOString(),
    ...(row.hash ? { hash: row.hash, prevHash: row.prev_hash ?? undefined } : {}),
  };
}

function sqlState(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/**
 * The event store on PostgreSQL SQL: used as is on a PostgreSQL server and on embedded PGlite.
 * All the rules (expected revision, idempotency, gap-safe positions) live in the SQL functions
 * of event-store.migrations.ts, so both engines enforce them identically.
 */
export class SqlEventStore implements EventStore, CheckpointStore {
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly chainTips = new Map<string, StreamTip>();

  constructor(
    readonly adapter: string,
    private readonly sql: SqlExecutor,
    /** False only to measure what hashing costs (bench/audit): events then carry no hash. */
    private readonly hashChain = true,
  ) {}

  static async open(
    adapter: string,
    sql: SqlExecutor,
    options: { hashChain?: boolean } = {},
  ): Promise<SqlEventStore> {
    await migrateEventStore(sql);
    return new SqlEventStore(adapter, sql, options.hashChain ?? true);
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    validateAppend(streamId, events, expectedRevision);
    const batch = { streamId, events, expectedRevision };
    // Without an exact revision the chain tip must be read under the stream's row lock, or
    // concurrent appenders would keep chaining to a tip that just moved.
    const result =
      this.hashChain && typeof expectedRevision !== 'number' && expectedRevision !== NO_STREAM
        ? await this.sql.transaction((tx) => this.appendWith(tx, batch, true))
        : await this.appendWith(this.sql, batch, false);
    this.wakeSubscriptions();
    return result;
  }

  async appendMany(batches: readonly StreamBatch[]): Promise<AppendResult[]> {
    await validateAppends(batches);
    for (let attempt = 0; ; attempt++) {
      try {
        const { results, lastHashes } = await this.sql.transaction((client) =>
          appendStreams(client, batches, this.hashChain),
        );
        batches.forEach((batch, index) => {
          const hash = lastHashes[index];
          if (hash)
            this.rememberTip(batch.streamId, {
              revision: results[index].nextExpectedRevision,
              hash,
            });
        });
        this.wakeSubscriptions();
        return results;
      } catch (error) {
        if (!(error instanceof PieceAppendError)) throw error;
        this.chainTips.delete(error.batch.streamId);
        // A stream the plan saw absent was created meanwhile: plan again on the new tips.
        if (error.retryable && attempt < 5) continue;
        throw this.translate(error.failure, error.batch.streamId, error.batch.expectedRevision);
      }
    }
  }

  private async appendWith(
    client: SqlClient,
    batch: StreamBatch,
    inTransaction: boolean,
  ): Promise<AppendResult> {
    const { streamId, events, expectedRevision } = batch;
    const expected = expectedCode(expectedRevision);
    // With the chain, payloads are stored as the canonical JSON the hashes were computed over.
    const payloads = events.map((event) => serialiseEvent(event, this.hashChain));
    for (let attempt = 0; ; attempt++) {
      const tip = this.hashChain
        ? await this.chainTip(client, streamId, expectedRevision, inTransaction)
        : undefined;
      const hashes = tip
        ? chainCanonicalHashes(streamId, payloads, tip.revision + 1, tip.hash)
        : undefined;
      try {
        const [row] = await client.query<{ next_revision: number; last_position: number }>(
          'SELECT next_revision, last_position FROM es_append($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [
            streamId,
            expected,
            events.map((event) => event.id),
            events.map((event) => event.type),
            events.map((event) => event.schemaVersion),
            payloads.map((payload) => payload.dataJson),
            payloads.map((payload) => payload.metadataJson),
            tip ? Buffer.from(tip.hash, 'hex') : null,
            hashes ? hexBytes(hashes) : null,
          ],
        );
        const result = {
          nextExpectedRevision: Number(row.next_revision),
          lastGlobalPosition: Number(row.last_position),
        };
        if (hashes)
          this.rememberTip(streamId, {
            revision: result.nextExpectedRevision,
            hash: hashes[hashes.length - 1],
          });
        return result;
      } catch (error) {
        this.chainTips.delete(streamId);
        // The stream moved on since its tip was read (Any / StreamExists): chain to the new tip.
        if (sqlState(error) === 'PC412' && attempt < 5) continue;
        throw this.translate(error, streamId, expectedRevision);
      }
    }
  }

  /** The revision and hash the batch extends: known for a new stream, cached, or read. */
  private async chainTip(
    client: SqlClient,
    streamId: string,
    expected: ExpectedRevision,
    inTransaction: boolean,
  ): Promise<StreamTip> {
    if (expected === NO_STREAM) return { revision: -1, hash: GENESIS_HASH };
    const cached = this.chainTips.get(streamId);
    if (cached && typeof expected === 'number' && cached.revision === expected) return cached;
    const tips = await readTips(client, [streamId], inTransaction);
    return tips.get(streamId) ?? { revision: -1, hash: GENESIS_HASH };
  }

  private rememberTip(streamId: string, tip: StreamTip): void {
    if (this.chainTips.size >= CHAIN_TIPS_CACHED) this.chainTips.clear();
    this.chainTips.set(streamId, tip);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const rows = await this.sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE stream_id = $1 AND stream_revision ${backwards ? '<=' : '>='} $2
        ORDER BY stream_revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [streamId, from, options.maxCount ?? Number.MAX_SAFE_INTEGER],
    );
    if (rows.length === 0 && !(await this.streamExists(streamId))) {
      throw new StreamNotFoundError(streamId);
    }
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? 0;
    const mark = await this.headPosition();
    if (mark <= after) return [];
    const rows = await this.sql.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE global_position > $1 AND global_position <= $2
        ORDER BY global_position LIMIT $3`,
      [after, mark, options.maxCount ?? 1000],
    );
    return rows.map(toRecorded);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const subscription = new PollingSubscription(this, options);
    this.subscriptions.add(subscription);
    const stop = subscription.stop.bind(subscription);
    subscription.stop = async () => {
      this.subscriptions.delete(subscription);
      await stop();
    };
    return subscription;
  }

  async headPosition(): Promise<number> {
    const [row] = await this.sql.query<{ mark: number }>('SELECT es_high_water_mark() AS mark');
    return Number(row.mark);
  }

  async health(): Promise<EventStoreHealth> {
    try {
      return { status: 'up', adapter: this.adapter, headPosition: await this.headPosition() };
    } catch (error) {
      return { status: 'down', adapter: this.adapter, error: (error as Error).message };
    }
  }

  async load(name: string): Promise<number> {
    const rows = await this.sql.query<{ position: number }>(
      'SELECT position FROM es_checkpoints WHERE name = $1',
      [name],
    );
    return rows.length ? Number(rows[0].position) : 0;
  }

  async save(name: string, position: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO es_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [name, position],
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.sql.close();
  }

  private async streamExists(streamId: string): Promise<boolean> {
    const rows = await this.sql.query('SELECT 1 FROM es_streams WHERE stream_id = $1', [streamId]);
    return rows.length > 0;
  }

  private wakeSubscriptions(): void {
    for (const subscription of this.subscriptions) subscription.wake();
  }

  private translate(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
    switch (sqlState(error)) {
      case 'PC409': {
        const detail = (error as { detail?: string }).detail;
        const actual = detail === undefined || detail === 'none' ? null : Number(detail);
        return new WrongExpectedRevisionError(streamId, expected, actual);
      }
      case 'PC422':
      case '23505':
        return new DuplicateEventIdError(streamId, 'event ids already used for other events');
      default:
        return error;
    }
  }
}
