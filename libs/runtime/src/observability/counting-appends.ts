import {
  CheckpointStore,
  EventStore,
  EventStoreHealth,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StreamBatch,
  SubscribeOptions,
} from '@policloud/event-store';
import { Metrics } from './metrics';

/** The same store, counting by type every event it appended (once the append has returned). */
export class CountingEventStore implements EventStore, CheckpointStore {
  constructor(
    private readonly store: EventStore & CheckpointStore,
    private readonly metrics: Metrics,
  ) {}

  get adapter(): string {
    return this.store.adapter;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) {
    const result = await this.store.append(streamId, events, expected);
    this.count([events]);
    return result;
  }

  async appendMany(batches: readonly StreamBatch[]) {
    const results = await this.store.appendMany(batches);
    this.count(batches.map((batch) => batch.events));
    return results;
  }

  readStream(streamId: string, options?: ReadStreamOptions) {
    return this.store.readStream(streamId, options);
  }
  readAll(options?: ReadAllOptions) {
    return this.store.readAll(options);
  }
  subscribeToAll(options: SubscribeOptions) {
    return this.store.subscribeToAll(options);
  }
  headPosition(): Promise<number> {
    return this.store.headPosition();
  }
  health(): Promise<EventStoreHealth> {
    return this.store.health();
  }
  close(): Promise<void> {
    return this.store.close();
  }
  load(name: string): Promise<number> {
    return this.store.load(name);
  }
  save(name: string, position: number): Promise<void> {
    return this.store.save(name, position);
  }

  /** Tallied here, one increment per type: a matching run appends a hundred thousand events. */
  private count(batches: readonly (readonly EventToAppend[])[]): void {
    const byType = new Map<string, number>();
    for (const events of batches) {
      for (const { type } of events) byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    for (const [type, count] of byType) this.metrics.eventsAppended.inc({ type }, count);
  }
}
