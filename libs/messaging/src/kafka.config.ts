import { Kafka, logLevel, Producer } from 'kafkajs';

/** One Kafka client per process, from the comma-separated KAFKA_BROKERS list. */
export function createKafka(brokers: string[], clientId = 'policloud'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 5, initialRetryTime: 200 },
  });
}

/** In-order delivery per partition even when a send is retried. */
export function createRelayProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
}
