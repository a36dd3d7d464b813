import { BackoffPolicy, WorkerStatus } from './backoff';
/**
 * The event store port: every adapter (PostgreSQL, embedded PGlite, EventStoreDB) implements it
 * and passes the same conformance suite (event-store.conformance.ts).
 */

export const NO_STREAM = 'no_stream' as const;
export const ANY = 'any' as const;
export const STREAM_EXISTS = 'stream_exists' as const;

/** What the caller believes about the stream: absent, anything, present, or at exact revision n (0-based). */
export type ExpectedRevision = typeof NO_STREAM | typeof ANY | typeof STREAM_EXISTS | number;

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /** The participant (or system component) that caused the event. */
  actor?: string;
  [key: string]: unknown;
}

export interface EventToAppend {
  /** A UUID chosen by the caller: retrying an append with the same ids is a no-op. */
  id: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  /** 0-based position of the event inside its stream. */
  revision: number;
  /** Strictly increasing position in the global log (1-based; gaps allowed). */
  globalPosition: number;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** UTC ISO-8601 time at which the store committed the event. */
  recordedAt: string;
  /** Hash chain (libs/audit): this event's hash and its stream predecessor's. */
  hash?: string;
  prevHash?: string;
}

export interface AppendResult {
  /** The revision to pass as expected revision for the next append to this stream. */
  nextExpectedRevision: number;
  /** Global position of the last event of the batch. */
  lastGlobalPosition: number;
}

export interface StreamBatch {
  streamId: string;
  events: readonly EventToAppend[];
  expectedRevision: ExpectedRevision;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: ReadDirection;
  /** Inclusive starting revision; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: only events with a global position greater than this. 0 reads from the start. */
  after?: number;
  maxCount?: number;
}

export type EventHandler = (event: RecordedEvent) => Promise<void>;

export interface SubscribeOptions {
  /** Resume point: the global position of the last event the subscriber has fully handled. */
  after: number;
  /** Handles one event; or use onBatch to take each page at once (one transaction, one send). */
  onEvent?: EventHandler;
  onBatch?: (events: RecordedEvent[]) => Promise<void>;
  batchSize?: number;
  /** Polling interval when idle; appends through the same store instance wake it at once. */
  idleMs?: number;
  /**
   * Called when the handler or the store fails. The subscription does not stop: it retries from
   * its position (the last page handled) after `retryInMs`, a capped exponential backoff.
   */
  onError?: (error: unknown, retryInMs: number) => void;
  retry?: BackoffPolicy;
}

export interface Subscription {
  /** Resolves the first time the subscription has delivered every event committed so far. */
  readonly caughtUp: Promise<void>;
  /** Global position of the last event handled. */
  readonly position: number;
  /** Running, retrying after a failure (with the last error), or stopped. */
  status(): WorkerStatus;
  stop(): Promise<void>;
}

export interface EventStoreHealth {
  status: 'up' | 'down';
  adapter: string;
  headPosition?: number;
  error?: string;
}

export interface EventStore {
  readonly adapter: string;
  append(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams at once, each with its expected revision: all or nothing where the
   * adapter supports it (SQL adapters); see the adapter's note otherwise.
   */
  appendMany(batches: readonly StreamBatch[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to the global log: replays from `after`, then follows live appends. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Global position of the last committed event that every reader can see (0 when empty). */
  headPosition(): Promise<number>;
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}

/** Durable checkpoints for consumers of the global log (relays, projections). */
export interface CheckpointStore {
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');
