import {
  DynamicModule,
  Global,
  Inject,
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
import { openConfiguredEventStore, openEmbeddedDatabase, readModelDatabase } from './infrastructure';
import { CLOCK, systemClock } from './clock';
import { KafkaRelayService } from './kafka-relay.service';
import { ReadModelBarrier, ReadYourWritesGuard } from './read-your-writes';
import {
  APP_CONFIG,
  EMBEDDED_DATABASE,
  KAFKA,
  PROJECTION_RUNNER,
  READ_MODELS,
} from './runtime.tokens';

// Read models that stay behind are a passing condition: the client may retry.
registerProblemMapper((error) =>
  error instanceof ProjectionLagTimeoutError ? problem(503, error.message) : undefined,
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

  static forRoot(config: AppConfig, features: RuntimeFeatures): DynamicModule {
    return {
      module: RuntimeModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: EMBEDDED_DATABASE, useFactory: () => openEmbeddedDatabase(config) },
        {
          provide: EVENT_STORE,
          inject: [EMBEDDED_DATABASE],
          useFactory: (embedded: PgliteExecutor | null) => openConfiguredEventStore(config, embedded),
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
          // Started here, before any module's bootstrap hook may issue commands that wait for it.
          useFactory: async (store: EventStore, readModels: DataSource) => {
            const runner = new ProjectionRunner(store, readModels, features.projections, {
              upcast: features.upcast,
            });
            await runner.start();
            return runner;
          },
        },
        {
          provide: KAFKA,
          useValue: config.kafkaBrokers.length ? createKafka(config.kafkaBrokers) : null,
        },
        KafkaRelayService,
        HealthService,
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
        CLOCK,
        EVENT_STORE,
        CHECKPOINT_STORE,
        READ_MODELS,
        PROJECTION_RUNNER,
        KAFKA,
        ReadModelBarrier,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projections.stop();
    await this.readModels.destroy();
    await this.store.close();
  }
}
