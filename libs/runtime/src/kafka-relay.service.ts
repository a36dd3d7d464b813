import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
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
import { SingletonWorkers } from './leadership/singleton-workers';

/**
 * Not integration events, they stay in the audited log only: credentials, even hashed, and the
 * audit checkpoints, key rotations, witnesses and cosignatures (auditors read them from
 * GET /v1/audit/checkpoints; no topic is contracted for them in contracts/asyncapi.yaml), the
 * sandbox clock's moves (a test service's own time) and webhook subscriptions (a participant's
 * endpoints, told of by webhook, not by Kafka).
 */
const INTERNAL_EVENT_TYPES = new Set([
  'ApiKeyIssued',
  'AuditCheckpointSealed',
  'SandboxClockAdvanced',
  'WebhookSubscribed',
  'WebhookDeleted',
  'WebhookDisabled',
  'AuditSigningKeyRotated',
  'AuditWitnessRegistered',
  'CheckpointCosigned',
]);

/** Whether the relay publishes this event to Kafka (an integration event) or keeps it internal. */
export function publishedToKafka(event: RecordedEvent): boolean {
  return !INTERNAL_EVENT_TYPES.has(event.type);
}

/**
 * Runs the global-log → Kafka relay when Kafka is configured, in the one process of the
 * deployment that leads the `kafkaRelay` singleton (the others stand by).
 */
@Injectable()
export class KafkaRelayService implements OnApplicationBootstrap {
  private readonly logger = new Logger('KafkaRelay');
  private relay: KafkaEventRelay | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(KAFKA) private readonly kafka: Kafka | null,
    private readonly singletons: SingletonWorkers,
  ) {}

  onApplicationBootstrap(): void {
    const kafka = this.kafka;
    if (!kafka) return;
    this.singletons.lead('kafkaRelay', {
      start: () => this.start(kafka),
      stop: async () => {
        await this.relay?.stop().catch(() => undefined);
        this.relay = null;
      },
    });
  }

  private async start(kafka: Kafka): Promise<void> {
    this.relay = new KafkaEventRelay(this.store, this.checkpoints, createRelayProducer(kafka), {
      publishes: publishedToKafka,
      onError: (error, retryInMs) =>
        this.logger.warn(
          `relay failed at position ${this.relay?.status().position}: ${(error as Error).message}; ` +
            `retrying in ${retryInMs} ms`,
        ),
    });
    // A broker (or store) that is down at boot must not stop the API: the relay retries in the
    // background and /health reports its state.
    await this.relay.start();
  }

  /** Null without Kafka; `standby` while another process relays. */
  status(): RelayStatus | null {
    if (!this.kafka) return null;
    return this.relay?.status() ?? { state: 'standby', running: false, position: 0, failures: 0 };
  }
}
