import { Kafka, logLevel, Partitioners, Producer, RetryOptions } from 'kafkajs';

/**
 * How long kafkajs retries one request before giving up (about 6 s with a broker down: 0.2, 0.4,
 * 0.8, 1.6 and 3.2 s, ±20 %); the relay then retries with its own backoff. Every field is set,
 * as kafkajs otherwise takes other defaults under NODE_ENV=test and tests would not see this.
 */
export const KAFKA_CLIENT_RETRY: Required<Omit<RetryOptions, 'restartOnFailure'>> = {
  retries: 5,
  initialRetryTime: 200,
  maxRetryTime: 30_000,
  factor: 0.2,
  multiplier: 2,
};

/** One Kafka client per process, from the comma-separated KAFKA_BROKERS list. */
export function createKafka(brokers: string[], clientId = 'policloud'): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: KAFKA_CLIENT_RETRY,
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
