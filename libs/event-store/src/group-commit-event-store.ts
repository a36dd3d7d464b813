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
  SubscribeOptions,
  Subscription,
} from './event-store.port';
import { GroupCommitQueue } from './group-commit-queue';
import { appendNewStreams } from './new-streams-append';
import { PollingSubscription } from './polling-subscription';
import { SqlEventStore } from './sql/sql-event-store';
import { SqlExecutor } from './sql/sql-executor';
import { validateAppend } from './validate-append';

export interface GroupCommitOptions {
  /** As SqlEventStore's: false only to measure what the hash chain costs. */
  hashChain?: boolean;
  /** Group commits in flight at once (see GroupCommitQueue). */
  maxInFlight?: number;
}

/**
 * The SQL event store with group commit for appends that start a new stream (an order, a
 * participant: the bulk of the write load): concurrent ones are appended by one statement.
 * Every other operation is the SQL store's own; the rules stay those of es_append.
 */
export class GroupCommitEventStore implements EventStore, CheckpointStore {
  readonly adapter: string;
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly newStreams: GroupCommitQueue<StreamBatch, AppendResult>;

  private constructor(
    private readonly store: SqlEventStore,
    sql: SqlExecutor,
    options: GroupCommitOptions,
  ) {
    this.adapter = store.adapter;
    this.newStreams = new GroupCommitQueue({
      commitGroup: (batches) => appendNewStreams(sql, batches, options.hashChain ?? true),
      commitOne: (batch) => store.append(batch.streamId, batch.events, batch.expectedRevision),
      maxInFlight: options.maxInFlight,
    });
  }

  static async open(
    adapter: string,
    sql: SqlExecutor,
    options: GroupCommitOptions = {},
  ): Promise<GroupCommitEventStore> {
    const store = await SqlEventStore.open(adapter, sql, { hashChain: options.hashChain });
    return new GroupCommitEventStore(store, sql, options);
  }

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    let result: AppendResult;
    if (expectedRevision === NO_STREAM) {
      validateAppend(streamId, events, expectedRevision);
      result = await this.newStreams.submit({ streamId, events, expectedRevision });
    } else {
      result = await this.store.append(streamId, events, expectedRevision);
    }
    this.wakeSubscriptions();
    return result;
  }

  async appendMany(batches: readonly StreamBatch[]): Promise<AppendResult[]> {
    const results = await this.store.appendMany(batches);
    this.wakeSubscriptions();
    return results;
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.store.readAll(options);
  }

  /** Subscriptions are this store's own, so that grouped appends wake them too. */
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

  headPosition(): Promise<number> {
    return this.store.headPosition();
  }

  health(): Promise<EventStoreHealth> {
    return this.store.health();
  }

  load(name: string): Promise<number> {
    return this.store.load(name);
  }

  save(name: string, position: number): Promise<void> {
    return this.store.save(name, position);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.store.close();
  }

  private wakeSubscriptions(): void {
    for (const subscription of this.subscriptions) subscription.wake();
  }
}
