import { Inject, Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EVENT_STORE, EventStore, EventStoreHealth } from '@policloud/event-store';
import { KafkaHealth, kafkaHealth, RelayStatus } from '@policloud/messaging';
import { KafkaRelayService } from '../kafka-relay.service';
import { KAFKA } from '../runtime.tokens';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  eventStore: EventStoreHealth;
  kafka: (KafkaHealth & { relay: RelayStatus | null }) | { status: 'not configured' };
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: Kafka | null,
    private readonly relay: KafkaRelayService,
  ) {}

  async report(): Promise<HealthReport> {
    const [eventStore, kafka] = await Promise.all([
      this.store.health(),
      this.kafka ? kafkaHealth(this.kafka) : null,
    ]);
    const kafkaDown = kafka !== null && (kafka.status === 'down' || !this.relay.status()?.running);
    return {
      status: eventStore.status === 'down' ? 'down' : kafkaDown ? 'degraded' : 'ok',
      eventStore,
      kafka: kafka ? { ...kafka, relay: this.relay.status() } : { status: 'not configured' },
    };
  }
}
