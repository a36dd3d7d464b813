import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { CHECKPOINT_STORE, CheckpointStore, EVENT_STORE, EventStore } from '@policloud/event-store';
import { createRelayProducer, KafkaEventRelay, RelayStatus } from '@policloud/messaging';
import { KAFKA } from './runtime.tokens';

/** Credentials, even hashed, are not integration events: they stay in the audited log only. */
const INTERNAL_EVENT_TYPES = new Set(['ApiKeyIssued']);

/** Runs the global-log → Kafka relay in this process when Kafka is configured. */
@Injectable()
export class KafkaRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaRelayService.name);
  private relay: KafkaEventRelay | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(KAFKA) private readonly kafka: Kafka | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.kafka) return;
    this.relay = new KafkaEventRelay(this.store, this.checkpoints, createRelayProducer(this.kafka), {
      publishes: (event) => !INTERNAL_EVENT_TYPES.has(event.type),
      onError: (error) => this.logger.error(`Kafka relay stopped: ${(error as Error).message}`),
    });
    // A broker that is down at boot must not stop the API; /health reports the relay's state.
    await this.relay.start().catch((error: Error) => {
      this.logger.error(`Kafka relay could not start: ${error.message}`);
    });
  }

  status(): RelayStatus | null {
    return this.relay?.status() ?? null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop().catch(() => undefined);
  }
}
