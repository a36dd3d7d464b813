import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import {
  CHECKPOINT_STORE,
  CheckpointStore,
  EVENT_STORE,
  EventStore,
  RecordedEvent,
} from '@policloud/event-store';
import { createRelayProducer, KafkaEventRelay, RelayStatus } from '@policloud/messaging';
import { KAFKA } from './runtime.tokens';

/**
 * Not integration events, they stay in the audited log only: credentials, even hashed, and the
 * audit checkpoints (auditors read them from GET /v1/audit/checkpoints; no topic is contracted
 * for them in contracts/asyncapi.yaml).
 */
const INTERNAL_EVENT_TYPES = new Set(['ApiKeyIssued', 'AuditCheckpointSealed']);

/** Whether the relay publishes this event to Kafka (an integration event) or keeps it internal. */
export function publishedToKafka(event: RecordedEvent): boolean {
  return !INTERNAL_EVENT_TYPES.has(event.type);
}

/** Runs the global-log → Kafka relay in this process when Kafka is configured. */
@Injectable()
export class KafkaRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('KafkaRelay');
  private relay: KafkaEventRelay | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(KAFKA) private readonly kafka: Kafka | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.kafka) return;
    this.relay = new KafkaEventRelay(
      this.store,
      this.checkpoints,
      createRelayProducer(this.kafka),
      {
        publishes: publishedToKafka,
        onError: (error, retryInMs) =>
          this.logger.warn(
            `relay failed at position ${this.relay?.status().position}: ${(error as Error).message}; ` +
              `retrying in ${retryInMs} ms`,
          ),
      },
    );
    // A broker (or store) that is down at boot must not stop the API: the relay retries in the
    // background and /health reports its state.
    await this.relay.start();
  }

  status(): RelayStatus | null {
    return this.relay?.status() ?? null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop().catch(() => undefined);
  }
}
