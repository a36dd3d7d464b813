import { Message, Producer } from 'kafkajs';
import { CheckpointStore, EventStore, RecordedEvent, Subscription } from '@policloud/event-store';
import { integrationMessage, topicFor } from './integration-message';

export interface KafkaEventRelayOptions {
  /** Checkpoint name; one relay per name. */
  name?: string;
  topicPrefix?: string;
  batchSize?: number;
  idleMs?: number;
  /** Events for which this is false stay internal (still checkpointed past). */
  publishes?: (event: RecordedEvent) => boolean;
  onError?: (error: unknown) => void;
}

export interface RelayStatus {
  running: boolean;
  position: number;
  lastError?: string;
}

/**
 * Publishes the global log to Kafka (the event store is the outbox). The checkpoint moves only
 * after the broker acknowledged the batch to all in-sync replicas, so a crash replays some
 * events (consumers dedupe by event id) but never loses one.
 */
export class KafkaEventRelay {
  private subscription: Subscription | null = null;
  private lastError: string | undefined;
  private readonly name: string;
  private readonly topicPrefix: string;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly producer: Producer,
    private readonly options: KafkaEventRelayOptions = {},
  ) {
    this.name = options.name ?? 'kafka-relay';
    this.topicPrefix = options.topicPrefix ?? 'policloud';
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    await this.producer.connect();
    this.lastError = undefined;
    this.subscription = this.store.subscribeToAll({
      after: await this.checkpoints.load(this.name),
      batchSize: this.options.batchSize ?? 500,
      idleMs: this.options.idleMs ?? 100,
      onBatch: (events) => this.publish(events),
      onError: (error) => {
        this.lastError = (error as Error).message;
        this.subscription = null;
        this.options.onError?.(error);
      },
    });
  }

  /** Resolves once everything committed before the call has been published. */
  async caughtUp(): Promise<void> {
    await this.subscription?.caughtUp;
  }

  status(): RelayStatus {
    return {
      running: this.subscription !== null,
      position: this.subscription?.position ?? 0,
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
    await this.producer.disconnect();
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
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
    await this.checkpoints.save(this.name, events[events.length - 1].globalPosition);
  }
}
