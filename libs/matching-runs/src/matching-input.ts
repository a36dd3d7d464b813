import { createHash } from 'node:crypto';
import { canonicalJson } from '@policloud/audit';
import { gpusAvailableAt, Site } from '@policloud/domain';
import { buildMatchingSnapshot, MatchingSite, MatchingSnapshot } from '@policloud/matching';
import { MarketState, Versioned } from '@policloud/projections';

export interface Horizon {
  from: string;
  to: string;
}

const states = <State>(versioned: ReadonlyMap<string, Versioned<State>>): State[] =>
  [...versioned.values()].map(({ state }) => state);

/**
 * The matching snapshot of a horizon, from the market as of one position. Pure. The same market
 * gives the same snapshot whether it was folded from the log (every order, whose fills hold GPUs)
 * or read from the read models (open orders, and the GPUs all fills hold per site and slot).
 */
export function matchingSnapshot(
  market: MarketState,
  horizon: Horizon,
  platformFeeBps: number,
): MatchingSnapshot {
  const snapshot = buildMatchingSnapshot({
    horizon: { start: horizon.from, end: horizon.to },
    platformFeeBps,
    sites: states(market.sites),
    offers: states(market.offers),
    orders: states(market.orders),
  });
  const held = market.gpusHeld;
  if (!held) return snapshot;
  const siteById = new Map([...market.sites.values()].map(({ state }) => [state.siteId, state]));
  return {
    ...snapshot,
    sites: snapshot.sites.map((site) => withFreeGpus(site, siteById.get(site.siteId)!, held)),
  };
}

/**
 * The site's free GPUs recounted against every fill's held GPUs. The builder counted only the open
 * orders' fills, which hold no more than all fills: a slot it left out has no GPU free either.
 */
function withFreeGpus(
  site: MatchingSite,
  state: Site,
  held: ReadonlyMap<string, number>,
): MatchingSite {
  const freeGpus: Record<string, number> = {};
  for (const slot of Object.keys(site.freeGpus)) {
    const free = gpusAvailableAt(state, slot) - (held.get(`${site.siteId}|${slot}`) ?? 0);
    if (free > 0) freeGpus[slot] = free;
  }
  return { ...site, freeGpus };
}

/** Lowercase hex SHA-256 of the snapshot's canonical JSON: what an auditor recomputes. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
