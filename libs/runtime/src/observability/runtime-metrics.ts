import { Inject, Injectable, Optional, OnModuleInit } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@policloud/event-store';
import { ProjectionRunner } from '@policloud/projections';
import { KafkaRelayService } from '../kafka-relay.service';
import { Kafka } from 'kafkajs';
import { KAFKA, METRICS, PROJECTION_RUNNER } from '../runtime.tokens';
import { Metrics } from './metrics';

/** Series read at scrape time from the read models' runner, the Kafka relay and the log's head. */
@Injectable()
export class RuntimeMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
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
      (set) => set({ projection: this.projections.name }, this.projections.status().position),
    );
    metrics.observedGauge(
      'policloud_projection_lag_events',
      'Events committed to the log that the read models have not applied yet',
      ['projection'],
      async (set) =>
        set(
          { projection: this.projections.name },
          (await this.lagOf(this.projections.status().position)).events,
        ),
    );
    metrics.observedGauge(
      'policloud_projection_lag_seconds',
      'Age of the oldest event the read models have not applied yet (0 when caught up)',
      ['projection'],
      async (set) =>
        set(
          { projection: this.projections.name },
          (await this.lagOf(this.projections.status().position)).seconds,
        ),
    );
    if (!this.kafka) return;
    metrics.observedGauge(
      'policloud_kafka_relay_lag_events',
      'Events committed to the log that the Kafka relay has not published yet',
      [],
      async (set) => {
        const status = this.relay?.status() ?? null;
        if (status) set({}, (await this.lagOf(status.position)).events);
      },
    );
  }

  /** How far `position` trails the head, in events and in the age of the first one it lacks. */
  private async lagOf(position: number): Promise<{ events: number; seconds: number }> {
    const [next] = await this.store.readAll({ after: position, maxCount: 1 });
    if (!next) return { events: 0, seconds: 0 };
    const head = await this.store.headPosition();
    return {
      events: Math.max(0, head - position),
      seconds: Math.max(0, (Date.now() - Date.parse(next.recordedAt)) / 1000),
    };
  }
}
