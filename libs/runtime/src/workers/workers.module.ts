import { Global, Module } from '@nestjs/common';
import { KafkaRelayService } from '../kafka-relay.service';
import { ProjectionsWorker } from './projections.worker';

/**
 * The log's consumers that must run once per deployment: the projection runner and the Kafka
 * relay, each started only while this process leads it (the projector, and the all-in-one).
 * Global so that /health and /metrics, in the runtime, can report the relay where it runs.
 */
@Global()
@Module({
  providers: [ProjectionsWorker, KafkaRelayService],
  exports: [KafkaRelayService, ProjectionsWorker],
})
export class WorkersModule {}
