import { Message, Producer } from 'kafkajs';
import {
  BackoffPolicy,
  CheckpointStore,
  EventStore,
  FailureTracker,
  RecordedEvent,
  retryWithBackoff,
  Subscription,
  WorkerStatus,
} from '@policloud/event-store';
import { integrationMessage, topicFor } from './integration-message';

/** The relay's checkpoint name unless told otherwise. */
export const KAFKA_RELAY_CHECKPOINT = 'kafka-relay';

export interface KafkaEventRelayOptions {
  /** Checkpoint name; one relay per name. */
  name?: string;
  topicPrefix?: string;
  batchSize?: number;
  idleMs?: number;
  /** Events for which this is false stay internal (still checkpointed past). */
  publishes?: (event: RecordedEvent) => boolean;
  /** A step failed (broker or store unreachable); the relay retries after `retryInMs`. */
  onError?: (error: unknown, retryInMs: number) => void;
  retry?: BackoffPolicy;
}

export interface RelayStatus extends WorkerStatus {
  running: boolean;
  /** Global position of the last event the broker acknowledged (the checkpoint). */
  position: number;
}

/**
 * Publishes the global log to Kafka (the event store is the outbox). The checkpoint moves only
 * after the broker acknowledged the batch to all in-sync replicas, so a crash replays some
 * events (consumers dedupe by event id) but never loses one. A broker or store outage, even at
 * start, never stops it: it retries with capped backoff from its checkpoint.
 */
export class KafkaEventRelay {
  private subscription: Subscription | null = null;
  private starting: Promise<unknown> | null = null;
  private stopped = true;
  private stopping = new AbortController();
  private connected = false;
  /** The checkpoint as loaded, reported until the subscription runs. */
  private loadedPosition = 0;
  private readonly startup: FailureTracker;
  private readonly name: string;
  private readonly topicPrefix: string;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly producer: Producer,
    private readonly options: KafkaEventRelayOptions = {},
  ) {
    this.name = options.name ?? KAFKA_RELAY_CHECKPOINT;
    this.topicPrefix = options.topicPrefix ?? 'policloud';
    this.startup = new FailureTracker(options.retry);
  }

  /** Starts relaying in the background: resolves at once, even when the store or broker is down. */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    this.stopping = new AbortController();
    this.starting = retryWithBackoff(
      async () => {
        this.loadedPosition = await this.checkpoints.load(this.name);
        if (this.stopped) return;
        this.subscription = this.store.subscribeToAll({
          after: this.loadedPosition,
          batchSize: this.options.batchSize ?? 500,
          idleMs: this.options.idleMs ?? 100,
          retry: this.options.retry,
          onBatch: (events) => this.publish(events),
          onError: (error, retryInMs) => this.options.onError?.(error, retryInMs),
        });
      },
      {
        tracker: this.startup,
        stopped: () => this.stopped,
        signal: this.stopping.signal,
        onFailure: (error, retryInMs) => this.options.onError?.(error, retryInMs),
      },
    );
    return Promise.resolve();
  }

  /** Resolves once everything committed before the call has been published. */
  async caughtUp(): Promise<void> {
    await this.starting;
    await this.subscription?.caughtUp;
  }

  status(): RelayStatus {
    const worker = this.subscription?.status() ?? this.startup.status(this.stopped);
    return {
      running: worker.state !== 'stopped',
      ...worker,
      position: this.subscription?.position ?? this.loadedPosition,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await this.starting;
    await this.subscription?.stop();
    this.subscription = null;
    await this.producer.disconnect();
    this.connected = false;
  }

  private async publish(events: RecordedEvent[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    const publishes = this.options.publishes ?? (() => true);
    for (const event of events.filter(publishes)) {
      const topic = topicFor(this.topicPrefix, event.streamId);
      const messages = byTopic.get(topic) ?? [];
      messages.push(integrationMessage(event));
      byTopic.set(topic, messages);
    }
    if (byTopic.size > 0) {
      try {
        if (!this.connected) await this.producer.connect();
        this.connected = true;
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (error) {
        // Once kafkajs has spent its own retries the producer may be left unusable: the next
        // attempt starts from a fresh connection.
        this.connected = false;
        await this.producer.disconnect().catch(() => undefined);
        throw error;
      }
    }
    await this.checkpoints.save(this.name, events[events.length - 1].globalPosition);
  }
}
