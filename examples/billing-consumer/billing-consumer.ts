import { Consumer, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import {
  AllocationMadeV1,
  AllocationMadeV2,
  allocationsOf,
  HANDLED_VERSIONS,
  SettlementPeriodClosedV1,
  SettlementStatementIssuedV1,
} from './billing-events';
import { BillingLedger } from './billing-ledger';
import { ContractViolationError, eventIdOf, parseIntegrationEvent } from './integration-event';
import { ProcessedEventStore } from './processed-events';

export interface BillingConsumerOptions {
  /** The consumer group: instances sharing it share the partitions and the committed offsets. */
  groupId: string;
  /** `policloud` in production; tests use a prefix of their own so runs don't collide. */
  topicPrefix?: string;
  /** Where a group without committed offsets starts: the beginning (default) or new messages only. */
  fromBeginning?: boolean;
  log?: (line: string) => void;
}

export interface BillingConsumerStats {
  /** Messages delivered to this instance, duplicates included. */
  received: number;
  /** Events whose effects were applied (first deliveries of handled types). */
  applied: number;
  /** Deliveries of an event id already processed: dropped. */
  duplicates: number;
  /** Events of types billing does not handle (MatchingRunCompleted, ...). */
  ignored: number;
}

/**
 * Billing's consumer of the marketplace's integration events: invoices from the buyers'
 * settlement statements (`<prefix>.settlement`) and the buyers' allocations from matching
 * (`<prefix>.matchingrun`).
 *
 * At-least-once in, effectively-once out: each message's effects are applied through the
 * ProcessedEventStore, keyed on the `event-id` header, and the message's offset is committed
 * only after that. A crash anywhere re-delivers from the last commit and the store drops what
 * was already applied.
 */
export class BillingConsumer {
  private consumer: Consumer | null = null;
  private readonly counts: BillingConsumerStats = {
    received: 0,
    applied: 0,
    duplicates: 0,
    ignored: 0,
  };
  readonly topics: { settlement: string; matchingRun: string };

  constructor(
    private readonly kafka: Kafka,
    private readonly ledger: BillingLedger,
    private readonly processed: ProcessedEventStore,
    private readonly options: BillingConsumerOptions,
  ) {
    const prefix = options.topicPrefix ?? 'policloud';
    this.topics = { settlement: `${prefix}.settlement`, matchingRun: `${prefix}.matchingrun` };
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    const consumer = this.kafka.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    try {
      await consumer.connect();
      await this.subscribe(consumer);
      await consumer.run({
        // Offsets are committed by hand, after the effects: never before.
        autoCommit: false,
        eachMessage: (payload) => this.onMessage(consumer, payload),
      });
    } catch (error) {
      this.consumer = null;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    await consumer?.disconnect();
  }

  /**
   * A topic appears with its first event (policloud.settlement only once a period is closed).
   * Subscribing asks the broker to create a missing topic, but its first answer can still be
   * "unknown topic": retried for a while. Where the brokers do not auto-create topics, they must
   * be provisioned before billing starts, and this fails once the retries are spent.
   */
  private async subscribe(consumer: Consumer, attempts = 20): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.subscribe({
          topics: [this.topics.settlement, this.topics.matchingRun],
          fromBeginning: this.options.fromBeginning ?? true,
        });
        return;
      } catch (error) {
        const type = (error as { type?: string }).type;
        const creating = type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
        if (!creating || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  stats(): BillingConsumerStats {
    return { ...this.counts };
  }

  private async onMessage(
    consumer: Consumer,
    { topic, partition, message }: EachMessagePayload,
  ): Promise<void> {
    this.counts.received++;
    await this.handle(message);
    // Messages of a partition are handled one at a time, so committing this offset + 1 never
    // skips an unhandled one. A throw above commits nothing: kafkajs re-delivers the message.
    await consumer.commitOffsets([
      { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
    ]);
  }

  /** Applies one message's effects at most once per event id. */
  private async handle(message: KafkaMessage): Promise<void> {
    const eventId = eventIdOf(message);
    const event = parseIntegrationEvent(message);
    const versions = HANDLED_VERSIONS[event.type];
    if (!versions) {
      this.counts.ignored++;
      return;
    }
    if (!versions.includes(event.schemaVersion)) {
      // A new version is a contract change: stop here rather than bill from a guess.
      throw new ContractViolationError(
        `${event.type} v${event.schemaVersion} is not supported (event ${eventId})`,
      );
    }
    const applied = await this.processed.processOnce(eventId, () => {
      switch (event.type) {
        // Casts kept: this consumer reads the public contract with its own types (schema-checked above).
        case 'SettlementStatementIssued': {
          const invoice = this.ledger.recordStatement(
            event.data as unknown as SettlementStatementIssuedV1,
            eventId,
          );
          if (invoice) {
            this.log(
              `invoice ${invoice.invoiceId}: buyer ${invoice.buyerId}, ${invoice.period}, ` +
                `${invoice.amountDue} ${invoice.currency} (minor units)`,
            );
          }
          return;
        }
        case 'AllocationMade': {
          const data = event.data as unknown as AllocationMadeV1 | AllocationMadeV2;
          for (const allocation of allocationsOf(event.schemaVersion, data)) {
            this.ledger.recordAllocation(allocation);
            this.log(
              `allocation ${allocation.allocationId}: buyer ${allocation.buyerId}, ` +
                `${allocation.gpus} GPUs at ${allocation.slot}`,
            );
          }
          return;
        }
        case 'SettlementPeriodClosed': {
          const data = event.data as unknown as SettlementPeriodClosedV1;
          this.ledger.recordPeriodClosed(data);
          this.log(`period ${data.period} closed (${data.statementIds.length} statements)`);
          return;
        }
      }
    });
    if (applied) this.counts.applied++;
    else this.counts.duplicates++;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
