import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Starts the loopback Kafka broker (scripts/kafka.sh) unless KAFKA_BROKERS names one already,
 * so `npm test` needs nothing running but PostgreSQL. Only the `kafka` project of
 * jest.config.js has this setup: a run without its suites (`npm run test:unit`) starts no broker.
 */
export default function globalSetup(): void {
  if (process.env.KAFKA_BROKERS) return;
  const script = path.join(__dirname, '..', '..', 'scripts', 'kafka.sh');
  execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
  process.env.KAFKA_BROKERS = `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`;
  process.env.POLICLOUD_TEST_STARTED_KAFKA = 'true';
}
