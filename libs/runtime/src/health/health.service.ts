import { Inject, Injectable, Optional } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EVENT_STORE, EventStore, EventStoreHealth, withTimeout } from '@policloud/event-store';
import { KafkaHealth, kafkaHealth, RelayStatus } from '@policloud/messaging';
import { ProjectionRunner, ProjectionRunnerStatus } from '@policloud/projections';
import { KafkaRelayService } from '../kafka-relay.service';
import { KAFKA, PROJECTION_RUNNER } from '../runtime.tokens';
import { PeriodicWorkerStatus, WorkerRegistry } from '../workers';

/** /health answers within this even when the database or the broker does not. */
export const HEALTH_TIMEOUT_MS = 3_000;

export interface HealthReport {
  /**
   * ok: everything runs. degraded: the process serves what it can and recovers by itself (a
   * store that does not answer, a halted projection, a retrying worker); each part says why.
   */
  status: 'ok' | 'degraded';
  eventStore: EventStoreHealth;
  /** Read models: position applied, how many positions behind the log, and any halted projection. */
  projections: ProjectionRunnerStatus & { lag: number | null };
  kafka: (KafkaHealth & { relay: RelayStatus | null }) | { status: 'not configured' };
  /** Periodic workers of this process (audit sealer, scheduled matching), when enabled. */
  workers: Record<string, PeriodicWorkerStatus>;
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KAFKA) private readonly kafka: Kafka | null,
    @Optional() @Inject(KafkaRelayService) private readonly relay: KafkaRelayService | null,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    private readonly workers: WorkerRegistry,
  ) {}

  async report(): Promise<HealthReport> {
    const [eventStore, kafka] = await Promise.all([
      withTimeout(this.store.health(), HEALTH_TIMEOUT_MS, 'event store health').catch(
        (error: Error): EventStoreHealth => ({
          status: 'down',
          adapter: 'unknown',
          error: error.message,
        }),
      ),
      this.kafka ? kafkaHealth(this.kafka, HEALTH_TIMEOUT_MS) : null,
    ]);
    const relay = this.relay?.status() ?? null;
    const kafkaDown =
      kafka !== null &&
      (kafka.status === 'down' || relay?.state === 'retrying' || relay?.state === 'stopped');
    const projections = this.projections.status();
    const lag =
      eventStore.headPosition === undefined
        ? null
        : Math.max(0, eventStore.headPosition - projections.position);
    const workers = this.workers.statuses();
    const degraded =
      eventStore.status === 'down' ||
      kafkaDown ||
      projections.state !== 'running' ||
      projections.failing.length > 0 ||
      Object.values(workers).some(
        (worker) => worker.state === 'retrying' || worker.state === 'stopped',
      );
    return {
      status: degraded ? 'degraded' : 'ok',
      eventStore,
      projections: { ...projections, lag },
      kafka: kafka ? { ...kafka, relay } : { status: 'not configured' },
      workers,
    };
  }
}
