import {
  AllocationRecord,
  allocationsIn,
  AllocationUsageEvent,
  expectEvent,
  ComputeOrder,
  computeOrderDecider,
  EnergyCertificate,
  EnergyOffer,
  energyOfferDecider,
  Site,
  siteDecider,
  siteCapacityDecider,
  SiteCapacityState,
  upcastEvent,
} from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';

export interface Versioned<State> {
  state: State;
  /** Stream revision of the last event folded: the expected revision of the next append. */
  revision: number;
}

/**
 * The market as of one global position, folded from the log with the domain's own evolve
 * functions: what a matching run reads, and what a replay of it reads again.
 */
export interface MarketHistory {
  position: number;
  sites: Map<string, Versioned<Site>>;
  offers: Map<string, Versioned<EnergyOffer>>;
  orders: Map<string, Versioned<ComputeOrder>>;
  allocations: Map<string, AllocationRecord>;
  /**
   * Each site's capacity stream (`sitecapacity-<siteId>`): a run appends there at this revision,
   * so two runs allocating on one site never both commit.
   */
  capacity: Map<string, Versioned<SiteCapacityState>>;
  /** The platform fee of each matching run: the rate its allocations were priced against. */
  runFees: Map<string, number>;
  /** Usage reports and amendments in log order, with their event ids and positions. */
  usage: { eventId: string; position: number; event: AllocationUsageEvent }[];
  /** Closed settlement periods and what each close recorded. */
  settlements: Map<string, RecordedEvent[]>;
  /** Every energy certificate issued, by id, with its status: what a close's energy figures read. */
  certificates: Map<string, EnergyCertificate & { status: 'issued' | 'claimed' | 'cancelled' }>;
}

const FOLDED = [
  { prefix: 'site-', decider: siteDecider, into: 'sites' },
  { prefix: 'energyoffer-', decider: energyOfferDecider, into: 'offers' },
  { prefix: 'computeorder-', decider: computeOrderDecider, into: 'orders' },
  { prefix: 'sitecapacity-', decider: siteCapacityDecider, into: 'capacity' },
] as const;

export function emptyHistory(): MarketHistory {
  return {
    position: 0,
    sites: new Map(),
    offers: new Map(),
    orders: new Map(),
    allocations: new Map(),
    capacity: new Map(),
    runFees: new Map(),
    usage: [],
    settlements: new Map(),
    certificates: new Map(),
  };
}

/** Folds events (in global order) into the history; events of other streams are skipped. */
export function foldMarketHistory(
  history: MarketHistory,
  events: readonly RecordedEvent[],
): MarketHistory {
  for (const event of events) {
    history.position = event.globalPosition;
    if (foldOther(history, event)) continue;
    const folded = FOLDED.find((entry) => event.streamId.startsWith(entry.prefix));
    if (!folded) continue;
    const id = event.streamId.slice(folded.prefix.length);
    const states = history[folded.into] as Map<string, Versioned<unknown>>;
    const decider = folded.decider as unknown as {
      initialState(): unknown;
      evolve(state: unknown, event: unknown): unknown;
    };
    const current = states.get(id)?.state ?? decider.initialState();
    states.set(id, {
      state: decider.evolve(current, upcastEvent(event)),
      revision: event.revision,
    });
  }
  return history;
}

/** Events that are not aggregate states here: allocations, capacity, usage, settlement closes. */
function foldOther(history: MarketHistory, event: RecordedEvent): boolean {
  switch (event.type) {
    case 'AllocationMade': {
      for (const allocation of allocationsIn(expectEvent(event, 'AllocationMade').data)) {
        history.allocations.set(allocation.allocationId, allocation);
      }
      return true;
    }
    case 'MatchingRunCompleted': {
      const run = expectEvent(event, 'MatchingRunCompleted').data;
      history.runFees.set(run.runId, run.platformFeeBps);
      return true;
    }
    case 'UsageReported':
    case 'UsageAmended':
      history.usage.push({
        eventId: event.id,
        position: event.globalPosition,
        event: upcastEvent(event) as AllocationUsageEvent,
      });
      return true;
    case 'EnergyCertificateIssued': {
      const certificate = expectEvent(event, event.type).data;
      history.certificates.set(certificate.certificateId, { ...certificate, status: 'issued' });
      return true;
    }
    case 'EnergyCertificateClaimed':
    case 'EnergyCertificateCancelled': {
      const { certificateId } = expectEvent(event, event.type).data;
      const certificate = history.certificates.get(certificateId);
      const status = event.type === 'EnergyCertificateClaimed' ? 'claimed' : 'cancelled';
      if (certificate) history.certificates.set(certificateId, { ...certificate, status });
      return true;
    }
    case 'SettlementStatementIssued':
    case 'SettlementPeriodClosed': {
      const { period } = expectEvent(event, event.type).data;
      history.settlements.set(period, [...(history.settlements.get(period) ?? []), event]);
      return true;
    }
    default:
      return false;
  }
}

/** The market folded from the log up to `position` inclusive, read in pages. */
export async function marketHistoryAt(
  store: { readAll(options: { after: number; maxCount: number }): Promise<RecordedEvent[]> },
  position: number,
  pageSize = 5_000,
): Promise<MarketHistory> {
  const history = emptyHistory();
  let after = 0;
  while (after < position) {
    const page = (await store.readAll({ after, maxCount: pageSize })).filter(
      (e) => e.globalPosition <= position,
    );
    if (page.length === 0) break;
    foldMarketHistory(history, page);
    after = page[page.length - 1].globalPosition;
  }
  history.position = position;
  return history;
}
