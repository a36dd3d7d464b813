import { Inject, Injectable, Optional } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EVENT_STORE, EventStore, EventStoreHealth, withTimeout } from '@policloud/event-store';
import { KafkaHealth, kafkaHealth, RelayStatus } from '@policloud/messaging';
import { ProjectionRunnerStatus } from '@policloud/projections';
import { AppConfig } from '@policloud/config';
import { ReadModelLag, ReadModelStatus } from './read-model-status';
import { KafkaRelayService } from '../kafka-relay.service';
import { APP_CONFIG, KAFKA } from '../runtime.tokens';
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
  projections: Omit<ProjectionRunnerStatus, 'lastProgressAt'> & {
    /** When the read models last applied a page (ISO 8601), null before they first did. */
    lastAppliedAt: string | null;
    lag: number | null;
  };
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
    private readonly readModels: ReadModelStatus,
    private readonly workers: WorkerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Ready for traffic: the store answers and the read models have not been stuck behind the log
   * for more than READY_MAX_LAG_SECONDS. Catching up page after page (a large matching run's
   * events) stays ready: every replica reads the same read models, so taking them all out of
   * the load balancer while the projector works would only turn slow reads into no reads.
   */
  async readiness(): Promise<{ ready: boolean; reason?: string; lag?: ReadModelLag }> {
    try {
      const status = await this.readModels.status(HEALTH_TIMEOUT_MS);
      const lag = await withTimeout(
        this.readModels.lagOf(status.position, status.lastProgressAt),
        HEALTH_TIMEOUT_MS,
        'reading the log',
      );
      if (lag.stalledSeconds > this.config.readyMaxLagSeconds) {
        return {
          ready: false,
          reason:
            `read models ${Math.round(lag.seconds)} s behind the log, ` +
            `none applied for ${Math.round(lag.stalledSeconds)} s`,
          lag,
        };
      }
      return { ready: true, lag };
    } catch (error) {
      return { ready: false, reason: `the database does not answer: ${(error as Error).message}` };
    }
  }

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
    const projections = await this.readModels
      .status(HEALTH_TIMEOUT_MS)
      .catch((error: Error): ProjectionRunnerStatus => ({
        running: false,
        state: 'retrying',
        failures: 1,
        lastError: error.message,
        position: 0,
        lastProgressAt: 0,
        failing: [],
      }));
    const lag =
      eventStore.headPosition === undefined
        ? null
        : Math.max(0, eventStore.headPosition - projections.position);
    const workers = this.workers.statuses();
    const degraded =
      eventStore.status === 'down' ||
      kafkaDown ||
      projections.state === 'retrying' ||
      projections.state === 'stopped' ||
      projections.failing.length > 0 ||
      Object.values(workers).some(
        (worker) => worker.state === 'retrying' || worker.state === 'stopped',
      );
    const { lastProgressAt, ...projected } = projections;
    return {
      status: degraded ? 'degraded' : 'ok',
      eventStore,
      projections: {
        ...projected,
        // When the read models last moved: how long a stuck projector has been stuck.
        lastAppliedAt: lastProgressAt ? new Date(lastProgressAt).toISOString() : null,
        lag,
      },
      kafka: kafka ? { ...kafka, relay } : { status: 'not configured' },
      workers,
    };
  }
}
