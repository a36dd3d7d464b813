import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import {
  CHECKPOINT_STORE,
  EVENT_STORE,
  EventStore,
  openEventStore,
} from '@policloud/event-store';
import { createKafka } from '@policloud/messaging';
import { KafkaRelayService } from './kafka-relay.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { APP_CONFIG, KAFKA } from './runtime.tokens';

/**
 * Infrastructure shared by every app: configuration, the event store adapter the configuration
 * names, Kafka (only when KAFKA_BROKERS is set) and /health.
 */
@Global()
@Module({})
export class RuntimeModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RuntimeModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            openEventStore({
              kind: config.eventStore,
              dataDir: config.dataDir,
              databaseUrl: config.databaseUrl,
              esdbConnectionString: config.esdbConnectionString,
            }),
        },
        { provide: CHECKPOINT_STORE, useExisting: EVENT_STORE },
        {
          provide: KAFKA,
          useValue: config.kafkaBrokers.length ? createKafka(config.kafkaBrokers) : null,
        },
        KafkaRelayService,
        HealthService,
      ],
      exports: [APP_CONFIG, EVENT_STORE, CHECKPOINT_STORE, KAFKA],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
