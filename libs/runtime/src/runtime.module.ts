import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
  Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ApiKeyGuard, PRINCIPAL_DIRECTORY, PrincipalDirectory } from '@policloud/auth';
import { AppConfig } from '@policloud/config';
import {
  CHECKPOINT_STORE,
  EVENT_STORE,
  EventStore,
  isDatabaseUnavailable,
  PgliteExecutor,
  RecordedEvent,
} from '@policloud/event-store';
import {
  createValidationPipe,
  IdempotencyInterceptor,
  IdempotencyRecordEntity,
  IdempotencyRecordsMigration,
  problem,
  ProblemDetailsFilter,
  registerProblemMapper,
} from '@policloud/http';
import { createKafka } from '@policloud/messaging';
import {
  CheckpointFollower,
  openReadModels,
  Projection,
  ProjectionCheckpointEntity,
  ProjectionCheckpointsMigration,
  ProjectionLagTimeoutError,
  ProjectionRunner,
  ReadModelSchema,
} from '@policloud/projections';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { ReadModelStatus } from './health/read-model-status';
import {
  openConfiguredEventStore,
  openEmbeddedDatabase,
  readModelDatabase,
} from './infrastructure';
import { CLOCK, SandboxClock, systemClock } from './clock';
import { SandboxClockFollower } from './sandbox-clock.follower';
import { WebhookKeyService } from './webhooks/webhook-key.service';
import { WorkerRegistry } from './workers/worker-registry';
import { SingletonWorkers } from './leadership/singleton-workers';
import { domainProblem } from './platform/domain-problem.mapper';
import { PLATFORM_FEATURES } from './platform/platform-read-models';
import { ReadModelBarrier, ReadYourWritesGuard } from './read-your-writes';
import {
  APP_CONFIG,
  EMBEDDED_DATABASE,
  KAFKA,
  LOGGER,
  METRICS,
  PROJECTION_RUNNER,
  READ_MODELS,
} from './runtime.tokens';
import { CountingEventStore, createLogger, Metrics, MetricsController } from './observability';
import { RuntimeMetrics } from './observability/runtime-metrics';

// The domain's rejections (400, 403, 404, 409) in every service.
registerProblemMapper(domainProblem);
// Read models that stay behind are a passing condition: the client may retry.
registerProblemMapper((error) =>
  error instanceof ProjectionLagTimeoutError ? problem(503, error.message) : undefined,
);
// So is a database that is down, restarting or too slow: a bounded 503, never a 500 or a hang.
registerProblemMapper((error) =>
  isDatabaseUnavailable(error)
    ? problem(503, 'The database is unavailable or did not answer in time; retry later')
    : undefined,
);

export interface RuntimeFeatures {
  /** Entities and migrations of every read model the process hosts. */
  readModels: ReadModelSchema;
  projections: Projection[];
  upcast?: (event: RecordedEvent) => RecordedEvent;
  /** Resolves API keys to principals for the auth guard. */
  principalDirectory: Type<PrincipalDirectory>;
}

/**
 * Infrastructure shared by every app: configuration, the event store the configuration names,
 * the read models and their projection runner, Kafka (only with KAFKA_BROKERS), the HTTP
 * conventions (auth, validation, problem+json, idempotency) and /health.
 */
@Global()
@Module({})
export class RuntimeModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
  ) {}

  static forRoot(config: AppConfig, features: RuntimeFeatures = PLATFORM_FEATURES): DynamicModule {
    return {
      module: RuntimeModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: METRICS, useFactory: () => new Metrics() },
        { provide: LOGGER, useFactory: () => createLogger(config.logLevel) },
        RuntimeMetrics,
        {
          provide: CLOCK,
          useFactory: () => (config.clock === 'sandbox' ? new SandboxClock() : systemClock),
        },
        SandboxClockFollower,
        WebhookKeyService,
        { provide: EMBEDDED_DATABASE, useFactory: () => openEmbeddedDatabase(config) },
        {
          provide: EVENT_STORE,
          inject: [EMBEDDED_DATABASE, METRICS],
          useFactory: async (embedded: PgliteExecutor | null, metrics: Metrics) =>
            new CountingEventStore(await openConfiguredEventStore(config, embedded), metrics),
        },
        { provide: CHECKPOINT_STORE, useExisting: EVENT_STORE },
        {
          provide: READ_MODELS,
          inject: [EMBEDDED_DATABASE],
          useFactory: (embedded: PgliteExecutor | null) =>
            openReadModels(readModelDatabase(config, embedded), {
              entities: [
                ProjectionCheckpointEntity,
                IdempotencyRecordEntity,
                ...(features.readModels.entities as []),
              ],
              migrations: [
                ProjectionCheckpointsMigration,
                IdempotencyRecordsMigration,
                ...(features.readModels.migrations as []),
              ],
            }),
        },
        {
          provide: PROJECTION_RUNNER,
          inject: [EVENT_STORE, READ_MODELS],
          // Started by ProjectionsWorker where this process leads the projections (WorkersModule).
          useFactory: (store: EventStore, readModels: DataSource) => {
            const logger = new Logger('Projections');
            const runner: ProjectionRunner = new ProjectionRunner(
              store,
              readModels,
              features.projections,
              {
                upcast: features.upcast,
                onError: (error, retryInMs) =>
                  logger.warn(
                    `read models could not apply the page after position ${runner.status().position}: ` +
                      `${(error as Error).message}; retrying in ${retryInMs} ms`,
                  ),
                onProjectionFailed: (failure) =>
                  logger.error(
                    `projection ${failure.projection} halted on event ${failure.event?.id} ` +
                      `(${failure.event?.type}, position ${failure.event?.position}): ${failure.error}; ` +
                      `retry ${failure.failures} at ${failure.nextRetryAt}, other read models go on`,
                  ),
                onProjectionRecovered: (name) => logger.log(`projection ${name} caught up again`),
              },
            );
            return runner;
          },
        },
        {
          provide: CheckpointFollower,
          inject: [READ_MODELS],
          useFactory: (readModels: DataSource) => new CheckpointFollower(readModels),
        },
        {
          provide: KAFKA,
          useValue: config.kafkaBrokers.length ? createKafka(config.kafkaBrokers) : null,
        },
        WorkerRegistry,
        SingletonWorkers,
        HealthService,
        ReadModelStatus,
        ReadModelBarrier,
        { provide: PRINCIPAL_DIRECTORY, useClass: features.principalDirectory },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // After authentication: a request that is refused anyway does not wait for read models.
        { provide: APP_GUARD, useClass: ReadYourWritesGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [
        APP_CONFIG,
        METRICS,
        LOGGER,
        CLOCK,
        EVENT_STORE,
        CHECKPOINT_STORE,
        READ_MODELS,
        PROJECTION_RUNNER,
        KAFKA,
        ReadModelBarrier,
        WorkerRegistry,
        SingletonWorkers,
        SandboxClockFollower,
        WebhookKeyService,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projections.stop();
    await this.readModels.destroy();
    await this.store.close();
    new Logger('Runtime').log('stopped: requests drained, workers stopped, pools closed');
  }
}
