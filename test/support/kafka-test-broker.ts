import { Kafka } from 'kafkajs';
import { createKafka, kafkaHealth } from '@policloud/messaging';

/**
 * The real broker the tests use: KAFKA_BROKERS, which the jest global setup sets. Importing this
 * module is what puts a suite in jest's `kafka` project, the only one that starts the broker.
 */
export async function connectTestKafka(): Promise<Kafka> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = createKafka(brokers, 'policloud-test');
  const health = await kafkaHealth(kafka, 10_000);
  if (health.status !== 'up') {
    throw new Error(
      `Kafka is required for this test and is not reachable at ${brokers.join(',')} ` +
        `(start it with "bash scripts/kafka.sh start"): ${health.error}`,
    );
  }
  return kafka;
}
