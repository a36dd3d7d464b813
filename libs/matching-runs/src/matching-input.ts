import { createHash } from 'node:crypto';
import { canonicalJson } from '@policloud/audit';
import { buildMatchingSnapshot, MatchingSnapshot } from '@policloud/matching';
import { MarketHistory, Versioned } from '@policloud/projections';

export interface Horizon {
  from: string;
  to: string;
}

const states = <State>(versioned: Map<string, Versioned<State>>): State[] =>
  [...versioned.values()].map(({ state }) => state);

/** The matching snapshot of a horizon, from the market as of one position. Pure. */
export function matchingSnapshot(
  history: MarketHistory,
  horizon: Horizon,
  platformFeeBps: number,
): MatchingSnapshot {
  return buildMatchingSnapshot({
    horizon: { start: horizon.from, end: horizon.to },
    platformFeeBps,
    sites: states(history.sites),
    offers: states(history.offers),
    orders: states(history.orders),
  });
}

/** Lowercase hex SHA-256 of the snapshot's canonical JSON: what an auditor recomputes. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
