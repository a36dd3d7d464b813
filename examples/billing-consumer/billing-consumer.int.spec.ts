/**
 * The billing consumer against the real broker, fed exactly as the marketplace's relay feeds
 * Kafka (integrationMessage and topicFor on recorded events, acks from all replicas), including
 * the duplicates that at-least-once delivery produces.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { Admin, Kafka, Message, Producer } from 'kafkajs';
import { RecordedEvent } from '@policloud/event-store';
import { createRelayProducer, integrationMessage, topicFor } from '@policloud/messaging';
import { eventually } from '@policloud/test-support/eventually';
import { connectTestKafka } from '@policloud/test-support/kafka-test-broker';
import { BillingConsumer } from './billing-consumer';
import { BillingLedger } from './billing-ledger';
import { InMemoryProcessedEventStore } from './processed-events';

const EVENTS_DIR = path.join(__dirname, '..', '..', 'contracts', 'events');
const HANDLED = new Set(['SettlementStatementIssued', 'SettlementPeriodClosed', 'AllocationMade']);

/** Builds recorded events as the store would: unique ids, per-stream revisions, one global log. */
class History {
  private position = 100;
  private readonly revisions = new Map<string, number>();

  record(streamId: string, type: string, data: Record<string, unknown>): RecordedEvent {
    const revision = this.revisions.get(streamId) ?? 0;
    this.revisions.set(streamId, revision + 1);
    this.position += 3; // global positions may have gaps
    return {
      id: randomUUID(),
      streamId,
      revision,
      globalPosition: this.position,
      type,
      schemaVersion: 1,
      data,
      metadata: { actor: 'operator-1', correlationId: streamId },
      recordedAt: new Date(Date.UTC(2026, 3, 1) + this.position * 1000).toISOString(),
    };
  }
}

interface Allocation {
  allocationId: string;
  buyerId: string;
  gpus: number;
  price: number;
  slot: string;
}

function allocationMade(history: History, runId: string, a: Allocation): RecordedEvent {
  return history.record(`matchingrun-${runId}`, 'AllocationMade', {
    runId,
    allocationId: a.allocationId,
    orderId: `order-${a.allocationId}`,
    buyerId: a.buyerId,
    siteId: 'site-lyon-1',
    slot: a.slot,
    gpus: a.gpus,
    pricePerGpuHour: a.price,
    currency: 'EUR',
    energyPerGpuHourWh: 700,
    reservePerGpuHour: 120,
    energy: [
      {
        offerId: `offer-${runId}`,
        producerId: 'producer-1',
        wh: a.gpus * 700,
        source: 'solar',
        carbonGPerKwh: 30,
        floorPricePerMwh: 4000,
      },
    ],
    site: {
      country: 'FR',
      operatorJurisdiction: 'FR',
      operatorLegalEntity: 'Lyon Compute SAS',
      certifications: ['ISO 27001'],
      hostParticipantId: 'host-1',
      gpuModel: 'H100',
    },
  });
}

function matchingRunCompleted(
  history: History,
  runId: string,
  allocations: Allocation[],
): RecordedEvent {
  const slots = allocations.map((a) => a.slot).sort();
  return history.record(`matchingrun-${runId}`, 'MatchingRunCompleted', {
    runId,
    requestedBy: 'operator-1',
    completedAt: '2026-02-27T12:00:00.000Z',
    horizon: { from: slots[0], to: '2026-05-01T00:00:00Z' },
    inputPosition: 42,
    inputHash: 'ab'.repeat(32),
    platformFeeBps: 1000,
    welfare: 1234,
    allocationCount: allocations.length,
    filledGpuHours: allocations.reduce((sum, a) => sum + a.gpus, 0),
    prices: [...new Map(allocations.map((a) => [a.slot, a])).values()].map((a) => ({
      siteId: 'site-lyon-1',
      slot: a.slot,
      currency: 'EUR',
      pricePerGpuHour: a.price,
    })),
    unfilledOrderIds: [],
  });
}

interface Line {
  kind: string;
  adjusts?: string;
  poolPeriod: string;
  siteId: string;
  agreementVersion: number;
  allocationId?: string;
  quantity: number;
  unit: 'gpu_hour' | 'wh';
  unitPrice?: number;
  amount: number;
  exact: string;
  description: string;
}

/** Where every synthetic line was settled: one site, agreement version 1, the statement's month. */
const pool = (period: string) => ({ poolPeriod: period, siteId: 'cannes', agreementVersion: 1 });

function statement(
  history: History,
  period: string,
  partyId: string,
  role: string,
  lines: Line[],
): RecordedEvent {
  return history.record(`settlement-${period}`, 'SettlementStatementIssued', {
    period,
    statementId: `stmt-${period}-${partyId}`,
    partyId,
    role,
    currency: 'EUR',
    lines,
    total: lines.reduce((sum, line) => sum + line.amount, 0),
    closedAt: `${period}-28T00:00:00.000Z`,
    inputPosition: 500,
  });
}

const computeCharge = (a: Allocation, delivered: number): Line => ({
  kind: 'compute_charge',
  ...pool(a.slot.slice(0, 7)),
  allocationId: a.allocationId,
  quantity: delivered,
  unit: 'gpu_hour',
  unitPrice: a.price,
  amount: -delivered * a.price,
  exact: String(-delivered * a.price),
  description: `${delivered} GPU-hours delivered at ${a.slot}`,
});
const payout = (kind: string, amount: number, period = '2026-03'): Line => ({
  kind,
  ...pool(period),
  quantity: 1,
  unit: 'wh',
  amount,
  exact: String(amount),
  description: `${kind} for the period`,
});

function periodClosed(
  history: History,
  period: string,
  statements: RecordedEvent[],
): RecordedEvent {
  // Casts kept: the example builds public-contract events with no domain types to narrow to.
  const amounts = statements.map((s) => s.data as { role: string; total: number });
  const sum = (roles: string[]) =>
    amounts.filter((s) => roles.includes(s.role)).reduce((total, s) => total + s.total, 0);
  return history.record(`settlement-${period}`, 'SettlementPeriodClosed', {
    period,
    closedAt: `${period}-28T00:00:00.000Z`,
    closedBy: 'operator',
    inputPosition: 500,
    statementIds: statements.map((s) => (s.data as { statementId: string }).statementId),
    balances: [
      {
        period,
        currency: 'EUR',
        charged: -sum(['buyer']),
        paidOut: sum(['producer', 'host']),
        platformFee: sum(['platform']),
        difference: 0,
        pools: 1,
        adjustedPools: 0,
        gpuHoursDelivered: 17,
        meteredWh: 14_280,
        attributedWh: 14_280,
        excessWh: 0,
        heatWhSold: 0,
        unfundedEnergy: '0',
      },
    ],
    settledPools: [],
  });
}

const A1: Allocation = {
  allocationId: 'alloc-a1',
  buyerId: 'buyer-a',
  gpus: 10,
  price: 250,
  slot: '2026-03-02T10:00:00Z',
};
const A2: Allocation = {
  allocationId: 'alloc-a2',
  buyerId: 'buyer-a',
  gpus: 4,
  price: 300,
  slot: '2026-03-02T11:00:00Z',
};
const B1: Allocation = {
  allocationId: 'alloc-b1',
  buyerId: 'buyer-b',
  gpus: 3,
  price: 300,
  slot: '2026-03-02T11:00:00Z',
};
const A3: Allocation = {
  allocationId: 'alloc-a3',
  buyerId: 'buyer-a',
  gpus: 2,
  price: 300,
  slot: '2026-04-03T09:00:00Z',
};

/** March: a matching run, then the March close (two buyers, a producer, a host, the platform). */
function march(history: History) {
  const run = [A1, A2, B1].map((a) => allocationMade(history, 'run-march', a));
  const runCompleted = matchingRunCompleted(history, 'run-march', [A1, A2, B1]);
  const buyerA = statement(history, '2026-03', 'buyer-a', 'buyer', [
    computeCharge(A1, 10),
    computeCharge(A2, 4),
  ]);
  const buyerB = statement(history, '2026-03', 'buyer-b', 'buyer', [
    computeCharge(B1, 3),
    {
      kind: 'adjustment',
      adjusts: 'compute_charge',
      ...pool('2026-02'),
      quantity: 1,
      unit: 'gpu_hour',
      amount: 100,
      exact: '100',
      description: 'credit for late usage of February',
    },
  ]);
  const others = [
    statement(history, '2026-03', 'producer-1', 'producer', [payout('energy_payment', 2000)]),
    statement(history, '2026-03', 'host-1', 'host', [payout('surplus_share', 2050)]),
    statement(history, '2026-03', 'platform', 'platform', [payout('platform_fee', 450)]),
  ];
  const closed = periodClosed(history, '2026-03', [buyerA, buyerB, ...others]);
  const log = [...run, runCompleted, buyerA, buyerB, ...others, closed];
  return { run, runCompleted, buyerA, buyerB, closed, log };
}

/** April: one more allocation and its close. */
function april(history: History) {
  const run = [allocationMade(history, 'run-april', A3)];
  const runCompleted = matchingRunCompleted(history, 'run-april', [A3]);
  const buyerA = statement(history, '2026-04', 'buyer-a', 'buyer', [computeCharge(A3, 2)]);
  const others = [
    statement(history, '2026-04', 'producer-1', 'producer', [payout('energy_payment', 300)]),
    statement(history, '2026-04', 'host-1', 'host', [payout('surplus_share', 240)]),
    statement(history, '2026-04', 'platform', 'platform', [payout('platform_fee', 60)]),
  ];
  const closed = periodClosed(history, '2026-04', [buyerA, ...others]);
  return { buyerA, log: [...run, runCompleted, buyerA, ...others, closed] };
}

const handledCount = (events: RecordedEvent[]) => events.filter((e) => HANDLED.has(e.type)).length;

describe('billing consumer against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const running: BillingConsumer[] = [];
  const topicsCreated: string[] = [];
  const groupsUsed: string[] = [];

  beforeAll(async () => {
    kafka = await connectTestKafka();
    admin = kafka.admin();
    await admin.connect();
    producer = createRelayProducer(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    if (admin) {
      await admin.deleteGroups(groupsUsed).catch(() => undefined);
      await admin.deleteTopics({ topics: topicsCreated }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  /** A topic prefix of its own per test, so runs and tests never read each other's messages. */
  async function newTopics(): Promise<{ prefix: string; topics: string[] }> {
    const prefix = `billing${randomUUID().slice(0, 8)}`;
    const topics = [`${prefix}.settlement`, `${prefix}.matchingrun`];
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: 3 })),
    });
    topicsCreated.push(...topics);
    return { prefix, topics };
  }

  /** What KafkaEventRelay.publish does with one batch of the global log. */
  async function publish(prefix: string, events: RecordedEvent[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const event of events) {
      const topic = topicFor(prefix, event.streamId);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), integrationMessage(event)]);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async function startConsumer(
    prefix: string,
    groupId: string,
    ledger: BillingLedger,
    processed: InMemoryProcessedEventStore,
  ): Promise<BillingConsumer> {
    const consumer = new BillingConsumer(kafka, ledger, processed, {
      groupId,
      topicPrefix: prefix,
    });
    running.push(consumer);
    if (!groupsUsed.includes(groupId)) groupsUsed.push(groupId);
    await consumer.start();
    return consumer;
  }

  async function stopConsumer(consumer: BillingConsumer): Promise<void> {
    running.splice(running.indexOf(consumer), 1);
    await consumer.stop();
  }

  /** True once the group's committed offsets reach the end of every partition of the topics. */
  async function committedToEnd(groupId: string, topics: string[]): Promise<boolean> {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const end of ends) {
        const offset =
          committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        if (Number(end.high) > 0 && Number(offset) < Number(end.high)) return false;
      }
    }
    return true;
  }

  const waitUntilCommitted = (groupId: string, topics: string[]) =>
    eventually(
      () => committedToEnd(groupId, topics),
      `group ${groupId} to commit every message`,
      45_000,
    );

  it('the synthetic events follow the event schemas in contracts/events', () => {
    const history = new History();
    const events = [...march(history).log, ...april(history).log];
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    for (const file of readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.schema.json'))) {
      ajv.addSchema(JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8')));
    }
    const validated = new Set<string>();
    for (const event of events) {
      const file = `${event.type}.v${event.schemaVersion}.schema.json`;
      // The settlement schemas arrive with the settlement feature; checked as soon as they exist.
      if (!existsSync(path.join(EVENTS_DIR, file))) {
        expect(['SettlementStatementIssued', 'SettlementPeriodClosed']).toContain(event.type);
        continue;
      }
      const validate = ajv.getSchema(`https://policloud.example/contracts/events/${file}`)!;
      const { type, schemaVersion, data } = event;
      expect({
        file,
        valid: validate({ type, schemaVersion, data }),
        errors: validate.errors ?? null,
      }).toEqual({
        file,
        valid: true,
        errors: null,
      });
      validated.add(file);
    }
    expect([...validated]).toContain('AllocationMade.v1.schema.json');
  });

  it('invoices each buyer statement exactly once and drops re-delivered events by event-id', async () => {
    const { prefix, topics } = await newTopics();
    const m = march(new History());
    // The relay publishes March; it crashes after the broker's ack but before its checkpoint,
    // so on restart it publishes the same range again; a producer retry re-sends one more.
    const replay = m.log.slice(m.log.indexOf(m.run[2]));
    const retried = [m.buyerA];
    await publish(prefix, m.log);
    await publish(prefix, replay);
    await publish(prefix, retried);
    const sent = m.log.length + replay.length + retried.length;

    const ledger = new BillingLedger();
    const groupId = `billing-${randomUUID()}`;
    const consumer = await startConsumer(
      prefix,
      groupId,
      ledger,
      new InMemoryProcessedEventStore(),
    );
    await waitUntilCommitted(groupId, topics);

    // Every copy reached the consumer; the copies of handled events were dropped as duplicates.
    expect(consumer.stats()).toEqual({
      received: sent,
      applied: handledCount(m.log),
      duplicates: handledCount(replay) + handledCount(retried),
      ignored: sent - handledCount(m.log) - handledCount(replay) - handledCount(retried),
    });
    expect(consumer.stats().duplicates).toBeGreaterThanOrEqual(6);

    // One invoice per buyer statement (none for producer, host or platform), right totals.
    expect(ledger.invoices().map((i) => [i.invoiceId, i.buyerId, i.amountDue])).toEqual(
      expect.arrayContaining([
        ['stmt-2026-03-buyer-a', 'buyer-a', 3700],
        ['stmt-2026-03-buyer-b', 'buyer-b', 800],
      ]),
    );
    expect(ledger.invoices()).toHaveLength(2);
    const invoiceA = ledger.invoices().find((i) => i.buyerId === 'buyer-a')!;
    expect(invoiceA).toMatchObject({
      period: '2026-03',
      currency: 'EUR',
      sourceEventId: m.buyerA.id,
    });
    expect(invoiceA.lines.map((l) => [l.allocationId, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['alloc-a1', 10, 250, 2500],
      ['alloc-a2', 4, 300, 1200],
    ]);
    expect(
      ledger
        .invoices()
        .find((i) => i.buyerId === 'buyer-b')!
        .lines.map((l) => l.amount),
    ).toEqual([900, -100]);

    // Allocations per buyer, each once.
    const a = ledger.account('buyer-a');
    expect(a.allocations.map((x) => x.allocationId)).toEqual(['alloc-a1', 'alloc-a2']);
    expect(a.committed).toEqual({ EUR: 10 * 250 + 4 * 300 });
    expect(a.invoiced).toEqual({ EUR: 3700 });
    const b = ledger.account('buyer-b');
    expect(b.allocations.map((x) => x.allocationId)).toEqual(['alloc-b1']);
    expect(b.committed).toEqual({ EUR: 900 });
    expect(b.invoiced).toEqual({ EUR: 800 });
    expect(
      ledger
        .closedPeriods()
        .map((p) => [
          p.period,
          p.balances.map(({ currency, charged, paidOut, platformFee }) => ({
            currency,
            charged,
            paidOut,
            platformFee,
          })),
        ]),
    ).toEqual([['2026-03', [{ currency: 'EUR', charged: 4500, paidOut: 4050, platformFee: 450 }]]]);
  });

  it('a restarted consumer in the same group does not count anything twice', async () => {
    const { prefix, topics } = await newTopics();
    const history = new History();
    const m = march(history);
    const groupId = `billing-${randomUUID()}`;
    // What the billing database holds: it survives the consumer process.
    const ledger = new BillingLedger();
    const processed = new InMemoryProcessedEventStore();

    await publish(prefix, m.log);
    await publish(prefix, [m.buyerB, m.closed]); // a relay replay
    const first = await startConsumer(prefix, groupId, ledger, processed);
    await waitUntilCommitted(groupId, topics);
    expect(first.stats().received).toBe(m.log.length + 2);
    await stopConsumer(first);

    // While billing is down: April, and March events published again by a relay restored to
    // an older checkpoint.
    const apr = april(history);
    const republished = [m.run[0], m.buyerA, m.buyerB];
    await publish(prefix, apr.log);
    await publish(prefix, republished);

    // A new instance in the same group resumes after the first one's commits: it receives
    // April and the republished copies only, and drops the copies by event id.
    const second = await startConsumer(prefix, groupId, ledger, processed);
    await waitUntilCommitted(groupId, topics);
    expect(second.stats()).toMatchObject({
      received: apr.log.length + republished.length,
      applied: handledCount(apr.log),
      duplicates: republished.length,
    });
    await stopConsumer(second);

    const invoicesAfterRestart = ledger.invoices().map((i) => [i.invoiceId, i.amountDue]);
    expect([...invoicesAfterRestart].sort()).toEqual([
      ['stmt-2026-03-buyer-a', 3700],
      ['stmt-2026-03-buyer-b', 800],
      ['stmt-2026-04-buyer-a', 600],
    ]);
    const accountA = ledger.account('buyer-a');
    expect(accountA.allocations.map((x) => x.allocationId)).toEqual([
      'alloc-a1',
      'alloc-a2',
      'alloc-a3',
    ]);
    expect(accountA.invoiced).toEqual({ EUR: 4300 });

    // A crash after the effects but before the offset commits re-delivers everything after
    // the last commit; the worst case, committed offsets lost (never made, or expired), is
    // simulated by deleting the group's offsets. The next instance of the group then gets
    // every message again, and applies none.
    await admin.deleteGroups([groupId]);
    const third = await startConsumer(prefix, groupId, ledger, processed);
    const everything = m.log.length + 2 + apr.log.length + republished.length;
    await eventually(
      () => third.stats().received >= everything,
      'every message re-delivered',
      45_000,
    );
    await waitUntilCommitted(groupId, topics);
    expect(third.stats()).toMatchObject({ received: everything, applied: 0 });
    expect(third.stats().duplicates + third.stats().ignored).toBe(everything);
    expect(ledger.invoices().map((i) => [i.invoiceId, i.amountDue])).toEqual(invoicesAfterRestart);
    expect(ledger.account('buyer-a')).toEqual(accountA);
    expect(ledger.account('buyer-b').allocations).toHaveLength(1);
  });
});
