import { Inject, Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EVENT_STORE, EventStore, EventStoreHealth } from '@policloud/event-store';
import { KafkaHealth, kafkaHealth, RelayStatus } from '@policloud/messaging';
import { KafkaRelayService } from '../kafka-relay.service';
import { ProjectionRunner } from '@policloud/projections';
import { KAFKA, PROJECTION_RUNNER } from '../runtime.tokens';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  eventStore: EventStoreHealth;
  /** Read models: position applied and how many positions behind the log they are. */
  projections: { running: boolean; position: number; lag: number | null; lastError?: string };
  kafka: (KafkaHealth & { relay: RelayStatus | null }) | { status: 'not configured' };
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: Kafka | null,
    private readonly relay: KafkaRelayService,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
  ) {}

  async report(): Promise<HealthReport> {
    const [eventStore, kafka] = await Promise.all([
      this.store.health(),
      this.kafka ? kafkaHealth(this.kafka) : null,
    ]);
    const kafkaDown = kafka !== null && (kafka.status === 'down' || !this.relay.status()?.running);
    const projections = this.projections.status();
    const lag = eventStore.headPosition === undefined ? null : Math.max(0, eventStore.headPosition - projections.position);
    const degraded = kafkaDown || !projections.running;
    return {
      status: eventStore.status === 'down' ? 'down' : degraded ? 'degraded' : 'ok',
      eventStore,
      projections: { ...projections, lag },
      kafka: kafka ? { ...kafka, relay: this.relay.status() } : { status: 'not configured' },
    };
  }
}
