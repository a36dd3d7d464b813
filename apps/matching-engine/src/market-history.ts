import {
  AllocationMade,
  ComputeOrder,
  computeOrderDecider,
  EnergyOffer,
  energyOfferDecider,
  Site,
  siteDecider,
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
  /** GPUs allocated by earlier runs, by site then slot. */
  allocatedGpus: Map<string, Map<string, number>>;
}

const FOLDED = [
  { prefix: 'site-', decider: siteDecider, into: 'sites' },
  { prefix: 'energyoffer-', decider: energyOfferDecider, into: 'offers' },
  { prefix: 'computeorder-', decider: computeOrderDecider, into: 'orders' },
] as const;

export function emptyHistory(): MarketHistory {
  return { position: 0, sites: new Map(), offers: new Map(), orders: new Map(), allocatedGpus: new Map() };
}

/** Folds events (in global order) into the history; events of other streams are skipped. */
export function foldMarketHistory(history: MarketHistory, events: readonly RecordedEvent[]): MarketHistory {
  for (const event of events) {
    history.position = event.globalPosition;
    if (event.type === 'AllocationMade') {
      const { siteId, slot, gpus } = event.data as AllocationMade['data'];
      const bySlot = history.allocatedGpus.get(siteId) ?? new Map<string, number>();
      bySlot.set(slot, (bySlot.get(slot) ?? 0) + gpus);
      history.allocatedGpus.set(siteId, bySlot);
      continue;
    }
    const folded = FOLDED.find((entry) => event.streamId.startsWith(entry.prefix));
    if (!folded) continue;
    const id = event.streamId.slice(folded.prefix.length);
    const states = history[folded.into] as Map<string, Versioned<unknown>>;
    const decider = folded.decider as unknown as {
      initialState(): unknown;
      evolve(state: unknown, event: unknown): unknown;
    };
    const current = states.get(id)?.state ?? decider.initialState();
    states.set(id, { state: decider.evolve(current, upcastEvent(event)), revision: event.revision });
  }
  return history;
}
