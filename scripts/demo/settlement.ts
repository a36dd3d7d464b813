/**
 * The week happens, then is settled, through the public API only: the demo moves the app's clock
 * (a ManualClock injected as CLOCK) past each slot; every site's meter reports the usage of its
 * allocations (mostly full delivery, a few under-deliveries), one wind producer reports a
 * curtailment in a calm hour before the site reports the reduced delivery there; once the months
 * the week touches are over, the operator closes each period in order and reads the statements.
 */
import { ApiClient, Caller } from './api-client';
import { Allocation, EnergyOffer, PeriodStatements, Statement } from './market-api';
import { prng } from './profiles';
import { MarketOutcome } from './scenario';
import { MarketSeed } from './seed';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** Requests in flight at once while the meters report. */
const CONCURRENCY = 8;
/** How much of what it allocated the calm-hour wind offer could still deliver. */
const CALM_DELIVERABLE_SHARE = 0.4;
const UNDER_DELIVERIES = 6;

/**
 * The time the app reads: `ManualClock` from @policloud/runtime (in process) or `SandboxClock`
 * (a `CLOCK=sandbox` service, moved over HTTP) satisfies it.
 */
export interface SettableClock {
  now(): Date;
  set(iso: string): void | Promise<void>;
}

export type DeliveryKind = 'full' | 'under' | 'curtailed';

export interface UsageReport {
  allocation: Allocation;
  gpuHoursDelivered: number;
  whConsumed: number;
  heatWhRecovered: number;
  kind: DeliveryKind;
  reportedAt: string;
}

export interface Curtailment {
  producerId: string;
  offerId: string;
  siteId: string;
  slot: string;
  offeredWh: number;
  allocatedWh: number;
  whCurtailed: number;
  /** offered − curtailed, as the offer reads back after the report. */
  deliverableWh: number;
  reportedAt: string;
  allocations: number;
}

export interface ClosedPeriod {
  period: string;
  closedAt: string;
  statements: Statement[];
  /** Problems with what the API returned (close vs read, parties' own views). */
  problems: string[];
}

export interface SettlementOutcome {
  clockStart: string;
  meters: { participantId: string; siteId: string }[];
  slotsSimulated: number;
  reports: UsageReport[];
  curtailment?: Curtailment;
  periods: ClosedPeriod[];
}

/** The calendar month (UTC) of a slot: the settlement period it belongs to. */
export const periodOf = (slot: string): string => slot.slice(0, 7);

/** The first instant after a `YYYY-MM` period. */
function periodEnd(period: string): number {
  const [year, month] = period.split('-').map(Number);
  return Date.UTC(year, month, 1);
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inPool<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A stable order of the allocations (their ids are generated, their content is not). */
function stableOrder(outcome: MarketOutcome): Allocation[] {
  const ref = (a: Allocation) => outcome.orderRefs.get(a.orderId) ?? a.orderId;
  const key = (a: Allocation) => `${a.slot} ${a.siteId} ${ref(a)}`;
  return [...outcome.allocations].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The calm hour: a wind offer's slot whose every draw feeds an allocation powered by that offer
 * alone (so the site's reduced delivery follows from the wind), the one with the most allocations,
 * then the earliest.
 */
function calmHourCandidate(
  allocations: Allocation[],
):
  | { offerId: string; producerId: string; siteId: string; slot: string; allocations: Allocation[] }
  | undefined {
  const cells = new Map<string, { allocations: Allocation[]; mixed: boolean }>();
  for (const allocation of allocations) {
    for (const draw of allocation.energy) {
      if (draw.source !== 'wind') continue;
      const key = `${draw.offerId}\u0000${allocation.slot}`;
      const cell = cells.get(key) ?? { allocations: [], mixed: false };
      cell.allocations.push(allocation);
      if (allocation.energy.length > 1) cell.mixed = true;
      cells.set(key, cell);
    }
  }
  const candidates = [...cells.values()]
    .filter((cell) => !cell.mixed)
    .sort(
      (a, b) =>
        b.allocations.length - a.allocations.length ||
        (a.allocations[0].slot < b.allocations[0].slot ? -1 : 1),
    );
  const best = candidates[0];
  if (!best) return undefined;
  const [first] = best.allocations;
  return {
    offerId: first.energy[0].offerId,
    producerId: first.energy[0].producerId,
    siteId: first.siteId,
    slot: first.slot,
    allocations: best.allocations,
  };
}

export async function simulateAndSettle(
  api: ApiClient,
  operator: Caller,
  keys: Map<string, string>,
  clock: SettableClock,
  seed: MarketSeed,
  outcome: MarketOutcome,
): Promise<SettlementOutcome> {
  const clockStart = clock.now().toISOString();
  const as = (participantId: string) => api.as(keys.get(participantId)!);

  // One metering identity per site: the only callers allowed to report its usage.
  const meters: SettlementOutcome['meters'] = [];
  const meterKeys = new Map<string, Caller>();
  for (const site of seed.sites) {
    const participantId = `meter-${site.id}`;
    const created = await operator.post<{ id: string; apiKey: string }>(
      '/v1/participants',
      {
        id: participantId,
        name: `${site.name} – site meter`,
        roles: ['site'],
        siteId: site.id,
        country: site.country,
        legalEntity: site.operatorLegalEntity,
      },
      `demo:participant:${participantId}`,
    );
    meters.push({ participantId: created.id, siteId: site.id });
    meterKeys.set(site.id, api.as(created.apiKey));
  }

  const allocations = stableOrder(outcome);
  const sites = new Map(outcome.sites.map((site) => [site.id, site]));

  // What each meter will read: full delivery, except the calm hour and a few under-deliveries.
  const plan = new Map<string, { delivered: number; kind: DeliveryKind }>();
  const calm = calmHourCandidate(allocations);
  let curtailment: Curtailment | undefined;
  let whCurtailed = 0;
  if (calm) {
    const offer = await as(calm.producerId).get<EnergyOffer>(`/v1/energy-offers/${calm.offerId}`);
    const slot = offer.slots[calm.slot];
    const deliverable = Math.floor(slot.allocatedWh * CALM_DELIVERABLE_SHARE);
    whCurtailed = slot.offeredWh - deliverable;
    for (const allocation of calm.allocations) {
      // What the remaining wind can run: ⌊GPUs × deliverable / allocated⌋ at e Wh per GPU-hour.
      const delivered = Math.floor((allocation.gpus * deliverable) / slot.allocatedWh);
      plan.set(allocation.allocationId, { delivered, kind: 'curtailed' });
    }
    curtailment = {
      producerId: calm.producerId,
      offerId: calm.offerId,
      siteId: calm.siteId,
      slot: calm.slot,
      offeredWh: slot.offeredWh,
      allocatedWh: slot.allocatedWh,
      whCurtailed,
      deliverableWh: deliverable,
      reportedAt: '',
      allocations: calm.allocations.length,
    };
  }
  const random = prng(2026);
  for (let picked = 0, tries = 0; picked < UNDER_DELIVERIES && tries < 1000; tries++) {
    const allocation = allocations[Math.floor(random() * allocations.length)];
    if (plan.has(allocation.allocationId) || allocation.gpus < 2) continue;
    // A few GPUs failed or the job ended early: 10–50 % of the GPU-hours not delivered.
    const lost = Math.max(1, Math.round(allocation.gpus * (0.1 + 0.4 * random())));
    plan.set(allocation.allocationId, { delivered: allocation.gpus - lost, kind: 'under' });
    picked++;
  }

  // The week happens: the clock moves past each slot, then that slot's meters report.
  const bySlot = new Map<string, Allocation[]>();
  for (const allocation of allocations) {
    bySlot.set(allocation.slot, [...(bySlot.get(allocation.slot) ?? []), allocation]);
  }
  const reports: UsageReport[] = [];
  for (const [slot, inSlot] of [...bySlot].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const start = Date.parse(slot);
    if (curtailment && slot === curtailment.slot) {
      // Half-way through the calm hour the producer reports the wind it could not deliver.
      await clock.set(new Date(start + 30 * MINUTE_MS).toISOString());
      await as(curtailment.producerId).post(
        `/v1/energy-offers/${curtailment.offerId}/curtailments`,
        { slot, whCurtailed: curtailment.whCurtailed },
        `demo:curtailment:${curtailment.offerId}:${slot}`,
      );
      const after = await as(curtailment.producerId).get<EnergyOffer>(
        `/v1/energy-offers/${curtailment.offerId}`,
      );
      const entry = after.slots[slot];
      curtailment.deliverableWh = entry.offeredWh - entry.curtailedWh;
      curtailment.reportedAt = clock.now().toISOString();
    }
    // Five minutes after the hour, the meters have read it.
    await clock.set(new Date(start + HOUR_MS + 5 * MINUTE_MS).toISOString());
    const reportedAt = clock.now().toISOString();
    await inPool(inSlot, CONCURRENCY, async (allocation) => {
      const planned = plan.get(allocation.allocationId) ?? {
        delivered: allocation.gpus,
        kind: 'full',
      };
      const whConsumed = planned.delivered * allocation.energyPerGpuHourWh;
      const heat = sites.get(allocation.siteId)?.heatRecovery;
      const heatWhRecovered = heat?.enabled
        ? Math.floor((whConsumed * heat.recoveredShareBps) / 10_000)
        : 0;
      await meterKeys.get(allocation.siteId)!.post(
        '/v1/usage',
        {
          allocationId: allocation.allocationId,
          slot: allocation.slot,
          gpuHoursDelivered: planned.delivered,
          whConsumed,
          heatWhRecovered,
        },
        `demo:usage:${allocation.allocationId}`,
      );
      reports.push({
        allocation,
        gpuHoursDelivered: planned.delivered,
        whConsumed,
        heatWhRecovered,
        kind: planned.kind,
        reportedAt,
      });
    });
  }

  // Each month the week touches is closed once it is over, in order.
  const periods: ClosedPeriod[] = [];
  for (const period of [...new Set(allocations.map((a) => periodOf(a.slot)))].sort()) {
    const closeAt = Math.max(clock.now().getTime() + 5 * MINUTE_MS, periodEnd(period) + HOUR_MS);
    await clock.set(new Date(closeAt).toISOString());
    const closed = await operator.post<PeriodStatements>(`/v1/settlements/${period}/close`, {});
    const read = await operator.get<PeriodStatements>(`/v1/settlements/${period}/statements`);
    const problems: string[] = [];
    if (read.closed !== true) problems.push(`${period}: not reported closed after its close`);
    if (JSON.stringify(closed.items) !== JSON.stringify(read.items)) {
      problems.push(`${period}: the statements read back differ from those the close returned`);
    }
    problems.push(...(await ownViewProblems(api, keys, period, read.items)));
    periods.push({ period, closedAt: clock.now().toISOString(), statements: read.items, problems });
  }

  return {
    clockStart,
    meters,
    slotsSimulated: bySlot.size,
    reports: reports.sort((a, b) =>
      a.allocation.slot < b.allocation.slot ? -1 : a.allocation.slot > b.allocation.slot ? 1 : 0,
    ),
    curtailment,
    periods,
  };
}

/** Each party, with its own key, sees exactly its own statements of the period. */
async function ownViewProblems(
  api: ApiClient,
  keys: Map<string, string>,
  period: string,
  all: Statement[],
): Promise<string[]> {
  const problems: string[] = [];
  const parties = [...new Set(all.map((s) => s.partyId))].filter((id) => keys.has(id)).sort();
  await inPool(parties, CONCURRENCY, async (partyId) => {
    const own = await api
      .as(keys.get(partyId)!)
      .get<PeriodStatements>(`/v1/settlements/${period}/statements`);
    const expected = all.filter((s) => s.partyId === partyId);
    if (JSON.stringify(own.items) !== JSON.stringify(expected)) {
      problems.push(
        `${period}: ${partyId} sees ${own.items.map((s) => s.statementId).join(', ') || 'nothing'}, ` +
          `not its own ${expected.map((s) => s.statementId).join(', ')}`,
      );
    }
  });
  return problems;
}
