/**
 * Read models caught up from position 0 on PostgreSQL: a realistic history (sites, agreements,
 * hourly offers, orders, one matching run with its allocations and fills, metered usage) is
 * appended, then the projection runner replays it into empty tables. Reference in the same run:
 * reading the same events from the log without projecting them (the runner's floor).
 *
 *   npm run bench:settlement -- [--quick]
 */
import { randomUUID } from 'node:crypto';
import {
  allocationUsageDecider,
  allocationUsageStreamId,
  computeOrderDecider,
  computeOrderStreamId,
  energyOfferDecider,
  energyOfferStreamId,
  siteDecider,
  siteStreamId,
  slotAt,
} from '@policloud/domain';
import {
  EventToAppend,
  NO_STREAM,
  PgExecutor,
  SqlEventStore,
  StreamBatch,
} from '@policloud/event-store';
import { matchOrders } from '@policloud/matching';
import {
  AllocationListsMigration,
  marketHistoryAt,
  MARKETPLACE_ENTITIES,
  MARKETPLACE_PROJECTIONS,
  MarketplaceReadModelsMigration,
  MarketStateReadModelsMigration,
  MATCHING_ENTITIES,
  MATCHING_PROJECTIONS,
  MatchingReadModelsMigration,
  openReadModels,
  ProjectionCheckpointEntity,
  ProjectionCheckpointsMigration,
  ProjectionRunner,
  SETTLEMENT_ENTITIES,
  SETTLEMENT_PROJECTIONS,
  SettlementReadModelsMigration,
} from '@policloud/projections';
import { createTestSchema } from '../../test/support/postgres-test-database';
import { matchingSnapshot } from '@policloud/matching-runs';
import { runDecisions, runContextOf } from '@policloud/matching-runs';
import { bySize, progress, result } from '../support/bench-io';

const SITES = bySize({ full: 40, quick: 10, smoke: 3 });
const ORDERS = bySize({ full: 6_000, quick: 1_500, smoke: 100 });
const HOURS = 168;
const START_HOUR = Math.floor(Date.parse('2027-03-01T00:00:00Z') / 3_600_000);

function toAppend(
  events: readonly { type: string; schemaVersion: number; data: unknown }[],
): EventToAppend[] {
  return events.map((event) => ({
    id: randomUUID(),
    type: event.type,
    schemaVersion: event.schemaVersion,
    // Cast kept: the bench seeds the store straight from decider output, whose data is always an object.
    data: event.data as Record<string, unknown>,
    metadata: { actor: 'bench' },
  }));
}

async function seed(store: SqlEventStore): Promise<void> {
  const participants = { findParticipant: () => ({ roles: ['host', 'producer'] as const }) };
  const sites = new Map();
  const batches: StreamBatch[] = [];
  for (let s = 0; s < SITES; s++) {
    const siteId = `site${s}`;
    const register = siteDecider.decide(
      {
        type: 'RegisterSite',
        data: {
          siteId,
          name: `Site ${s}`,
          model: 'PC-100',
          gpuCount: 100 + (s % 4) * 100,
          gpuModel: 'H100',
          gpuPowerKw: '0.7',
          pue: '1.2',
          location: { lat: 43 + s / 10, lon: 2 + s / 10 },
          country: s % 3 ? 'FR' : 'ES',
          operatorLegalEntity: 'Policloud SAS',
          operatorJurisdiction: 'FR',
          certifications: [],
          hostParticipantId: `host${s}`,
          heatRecovery: { enabled: false, recoveredShareBps: 0 },
          reservePricePerGpuHour: 100 + s,
          currency: 'EUR',
        },
      },
      siteDecider.initialState(),
      participants as never,
    );
    const site = register.reduce(siteDecider.evolve, siteDecider.initialState());
    const agreement = siteDecider.decide(
      {
        type: 'SetAgreement',
        data: {
          siteId,
          effectiveFrom: slotAt(START_HOUR),
          hostParticipantId: `host${s}`,
          producers: [{ participantId: `wind${s}` }],
          producersShareBps: 7000,
          hostShareBps: 3000,
        },
      },
      site,
      participants as never,
    );
    sites.set(siteId, agreement.reduce(siteDecider.evolve, site));
    batches.push({
      streamId: siteStreamId(siteId),
      events: toAppend([...register, ...agreement]),
      expectedRevision: NO_STREAM,
    });
    const offer = energyOfferDecider.decide(
      {
        type: 'ListEnergyOffer',
        data: {
          offerId: `offer${s}`,
          producerId: `wind${s}`,
          listedAt: '2027-02-01T00:00:00.000Z',
          siteIds: [siteId],
          source: 'wind',
          carbonGPerKwh: 10,
          floorPricePerMwh: 4000,
          currency: 'EUR',
          profile: Array.from({ length: HOURS }, (_, h) => ({
            slot: slotAt(START_HOUR + h),
            wh: 50_000 + ((h * 7919 + s) % 100) * 1_000,
          })),
        },
      },
      energyOfferDecider.initialState(),
      { findSite: (id: string) => sites.get(id) },
    );
    batches.push({
      streamId: energyOfferStreamId(`offer${s}`),
      events: toAppend(offer),
      expectedRevision: NO_STREAM,
    });
  }
  for (let o = 0; o < ORDERS; o++) {
    const start = (o * 37) % (HOURS - 8);
    const placed = computeOrderDecider.decide(
      {
        type: 'PlaceComputeOrder',
        data: {
          orderId: `order${o}`,
          buyerId: `buyer${o % 50}`,
          placedAt: new Date(Date.UTC(2027, 1, 1) + o).toISOString(),
          gpus: 1 + (o % 8),
          hours: 1 + (o % 4),
          earliestStart: slotAt(START_HOUR + start),
          deadline: slotAt(START_HOUR + start + 8),
          gpuModel: 'H100',
          maxPricePerGpuHour: 150 + (o % 100),
          currency: 'EUR',
        },
      },
      computeOrderDecider.initialState(),
      undefined,
    );
    batches.push({
      streamId: computeOrderStreamId(`order${o}`),
      events: toAppend(placed),
      expectedRevision: NO_STREAM,
    });
  }
  for (let i = 0; i < batches.length; i += 200) await store.appendMany(batches.slice(i, i + 200));

  const history = await marketHistoryAt(store, await store.headPosition());
  const horizon = { from: slotAt(START_HOUR), to: slotAt(START_HOUR + HOURS) };
  const run = matchOrders(matchingSnapshot(history, horizon, 1000));
  // The bench seeds its store directly, as a run's commit would write it.
  const decisions = runDecisions(
    {
      runId: 'bench-run',
      requestedBy: 'bench',
      completedAt: '2027-02-02T00:00:00.000Z',
      horizon,
      inputPosition: history.position,
      inputHash: '0'.repeat(64),
      platformFeeBps: 1000,
    },
    run,
    runContextOf(history),
  );
  await store.appendMany(
    decisions.map((decision) => ({
      streamId: decision.streamId,
      expectedRevision: decision.revision < 0 ? NO_STREAM : decision.revision,
      events: toAppend(decision.events),
    })),
  );
  const after = await marketHistoryAt(store, await store.headPosition());
  const usage: StreamBatch[] = [...after.allocations.values()].map((allocation) => ({
    streamId: allocationUsageStreamId(allocation.allocationId),
    expectedRevision: NO_STREAM,
    events: toAppend(
      allocationUsageDecider.decide(
        {
          type: 'ReportUsage',
          data: {
            allocationId: allocation.allocationId,
            siteId: allocation.siteId,
            slot: allocation.slot,
            gpuHoursDelivered: allocation.gpus,
            whConsumed: allocation.gpus * allocation.energyPerGpuHourWh,
            heatWhRecovered: 0,
            reportedAt: '2027-03-09T00:00:00.000Z',
          },
        },
        allocationUsageDecider.initialState(),
        { findAllocation: () => allocation },
      ),
    ),
  }));
  for (let i = 0; i < usage.length; i += 500) await store.appendMany(usage.slice(i, i + 500));
}

async function main(): Promise<void> {
  const schema = await createTestSchema('bench_catchup');
  const store = await SqlEventStore.open('postgres', new PgExecutor(schema.poolConfig));
  const readModels = await openReadModels(
    { kind: 'postgres', url: schema.url },
    {
      entities: [
        ProjectionCheckpointEntity,
        ...MARKETPLACE_ENTITIES,
        ...MATCHING_ENTITIES,
        ...SETTLEMENT_ENTITIES,
      ],
      migrations: [
        ProjectionCheckpointsMigration,
        MarketplaceReadModelsMigration,
        MatchingReadModelsMigration,
        SettlementReadModelsMigration,
        MarketStateReadModelsMigration,
        AllocationListsMigration,
      ],
    },
  );
  try {
    progress(`seeding ${SITES} sites, ${ORDERS} orders, a matching run and its usage`);
    await seed(store);
    const head = await store.headPosition();
    const count =
      (await store.readAll({ after: 0, maxCount: 1 })).length &&
      Number((await readModels.query('SELECT count(*) AS n FROM es_events'))[0].n);
    progress(`${count} events up to position ${head}`);

    let started = performance.now();
    let after = 0;
    while (after < head) {
      const page = await store.readAll({ after, maxCount: 500 });
      after = page[page.length - 1].globalPosition;
    }
    const readSeconds = (performance.now() - started) / 1000;

    const runner = new ProjectionRunner(
      store,
      readModels,
      [...MARKETPLACE_PROJECTIONS, ...MATCHING_PROJECTIONS, ...SETTLEMENT_PROJECTIONS],
      { idleMs: 5 },
    );
    started = performance.now();
    await runner.start();
    await runner.waitFor(head, 600_000);
    const catchupSeconds = (performance.now() - started) / 1000;
    await runner.stop();

    result('projection_catchup_events_per_s', Math.round(count / catchupSeconds));
    result('log_read_events_per_s', Math.round(count / readSeconds));
    result('ratio_catchup_vs_log_read', catchupSeconds > 0 ? readSeconds / catchupSeconds : 0, 3);
  } finally {
    await readModels.destroy();
    await store.close();
    await schema.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
