import { Global, Module } from '@nestjs/common';
import { CommandHandler } from '../command-handler';
import { KafkaRelayService } from '../kafka-relay.service';
import { WebhookDeliveryWorker } from '../webhooks/webhook-delivery.worker';
import { ProjectionsWorker } from './projections.worker';

/**
 * The log's consumers that must run once per deployment: the projection runner, the Kafka relay
 * and the webhook delivery worker, each started only while this process leads it (the
 * projector, and the all-in-one).
 * Global so that /health and /metrics, in the runtime, can report the relay where it runs.
 */
@Global()
@Module({
  providers: [ProjectionsWorker, KafkaRelayService, WebhookDeliveryWorker, CommandHandler],
  exports: [KafkaRelayService, ProjectionsWorker],
})
export class WorkersModule {}
