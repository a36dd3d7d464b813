/**
 * Runs the billing consumer against a broker until Ctrl-C, then prints each buyer's account.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 npx ts-node examples/billing-consumer/main.ts
 *
 * Environment: KAFKA_BROKERS (comma-separated, default 127.0.0.1:9092), BILLING_GROUP_ID
 * (default policloud-billing-example), TOPIC_PREFIX (default policloud).
 */
import { Kafka, logLevel } from 'kafkajs';
import { BillingConsumer } from './billing-consumer';
import { BillingLedger } from './billing-ledger';
import { InMemoryProcessedEventStore } from './processed-events';

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const groupId = process.env.BILLING_GROUP_ID ?? 'policloud-billing-example';
  const topicPrefix = process.env.TOPIC_PREFIX ?? 'policloud';
  const kafka = new Kafka({ clientId: 'billing-consumer', brokers, logLevel: logLevel.WARN });

  const ledger = new BillingLedger();
  const consumer = new BillingConsumer(kafka, ledger, new InMemoryProcessedEventStore(), {
    groupId,
    topicPrefix,
    log: (line) => console.log(line),
  });
  await consumer.start();
  console.log(
    `billing consumer (group ${groupId}) reading ${consumer.topics.settlement} and ` +
      `${consumer.topics.matchingRun} from ${brokers.join(',')}; Ctrl-C to stop`,
  );

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await consumer.stop();
    for (const buyerId of ledger.buyers()) {
      const account = ledger.account(buyerId);
      console.log(
        `${buyerId}: ${account.allocations.length} allocations, committed ${JSON.stringify(account.committed)}, ` +
          `${account.invoices.length} invoices, invoiced ${JSON.stringify(account.invoiced)}`,
      );
    }
    console.log(JSON.stringify(consumer.stats()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
