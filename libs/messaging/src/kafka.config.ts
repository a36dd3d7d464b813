import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';

/** One Kafka client per process, from the comma-separated KAFKA_BROKERS list. */
export function createKafka(brokers: string[], clientId = 'policloud'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 5, initialRetryTime: 200 },
  });
}

/**
 * One request in flight keeps each partition in order even when a send is retried; a retry may
 * duplicate a message (at-least-once), which consumers absorb by deduping on the event id.
 */
export function createRelayProducer(kafka: Kafka): Producer {
  return kafka.producer({
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
