import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EVENT_STORE, EventStore } from '@policloud/event-store';
import { ReadModelStatus } from '../health/read-model-status';
import { KafkaRelayService } from '../kafka-relay.service';
import { KAFKA, METRICS } from '../runtime.tokens';
import { Metrics } from './metrics';

/** The read models' series carry this label: one runner applies every projection. */
const READ_MODELS = { projection: 'read-models' };
const SCRAPE_TIMEOUT_MS = 3_000;

/** Series read at scrape time from the read models, the Kafka relay and the log's head. */
@Injectable()
export class RuntimeMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModelStatus,
    @Optional() @Inject(KafkaRelayService) private readonly relay: KafkaRelayService | null,
    @Inject(KAFKA) private readonly kafka: Kafka | null,
  ) {}

  onModuleInit(): void {
    const { metrics } = this;
    metrics.observedGauge(
      'policloud_log_head_position',
      'Global position of the newest event',
      [],
      async (set) => set({}, await this.store.headPosition()),
    );
    metrics.observedGauge(
      'policloud_projection_position',
      'Global position the read models have applied',
      ['projection'],
      async (set) => set(READ_MODELS, (await this.readModels.status(SCRAPE_TIMEOUT_MS)).position),
    );
    metrics.observedGauge(
      'policloud_projection_lag_events',
      'Events committed to the log that the read models have not applied yet',
      ['projection'],
      async (set) => set(READ_MODELS, (await this.readModelLag()).events),
    );
    metrics.observedGauge(
      'policloud_projection_lag_seconds',
      'Age of the oldest event the read models have not applied yet (0 when caught up)',
      ['projection'],
      async (set) => set(READ_MODELS, (await this.readModelLag()).seconds),
    );
    metrics.observedGauge(
      'policloud_projections_halted',
      'Projections halted on an event and retried with backoff',
      ['projection'],
      async (set) => {
        for (const failure of (await this.readModels.status(SCRAPE_TIMEOUT_MS)).failing) {
          set({ projection: failure.projection }, 1);
        }
      },
    );
    if (!this.kafka) return;
    metrics.observedGauge(
      'policloud_kafka_relay_lag_events',
      'Events committed to the log that the Kafka relay (where it runs) has not published yet',
      [],
      async (set) => {
        const status = this.relay?.status();
        if (status && status.state !== 'standby')
          set({}, (await this.readModels.lagOf(status.position)).events);
      },
    );
  }

  private async readModelLag() {
    return this.readModels.lagOf((await this.readModels.status(SCRAPE_TIMEOUT_MS)).position);
  }
}
