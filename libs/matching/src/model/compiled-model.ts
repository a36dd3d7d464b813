/**
 * The snapshot compiled into indexed arrays for the engine: sites, offers and orders in a
 * canonical order (so the input's order never matters), per-slot quantities as typed arrays,
 * and per order its usable slots and eligible sites. Validation happens here.
 */
import { isRenewable, SLOT_PATTERN, slotAt, slotHour } from '@policloud/domain';
import { MatchingInputError } from './input-error';
import {
  energyReservePerGpuHour,
  offerFeedsSite,
  offerQualifiesForOrder,
  siteEligibleForOrder,
  slotsToFill,
  usableSlotIndices,
} from './rules';
import {
  MatchingEnergyOffer,
  MatchingOrder,
  MatchingSite,
  MatchingSnapshot,
  UnfilledReason,
} from './types';

/** Code-unit order: locale-independent, the same on every machine. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface CompiledOrder {
  order: MatchingOrder;
  /** Position by (placedAt, orderId): the tie-breaker, lower first. */
  rank: number;
  /** Position by order id. */
  idRank: number;
  gpus: number;
  bid: number;
  /** Slots wanted from this run. */
  wanted: number;
  allOrNone: boolean;
  /** Usable horizon slot indices, ascending. */
  slots: Int32Array;
  /** Eligible site indices, by lowest possible reserve then site id. */
  sites: Int32Array;
  /** Lowest possible reserve per GPU-hour at `sites[i]` (best qualifying energy). */
  minReserve: Float64Array;
  /** Energy filters, flattened. */
  renewableOnly: boolean;
  maxCarbon: number;
  /** Why nothing could be filled before any competition, if so. */
  staticReason?: UnfilledReason;
}

export interface CompiledModel {
  slotCount: number;
  slots: string[];
  feeBps: number;
  sites: MatchingSite[];
  offers: MatchingEnergyOffer[];
  /** By rank. */
  orders: CompiledOrder[];
  siteE: Float64Array;
  siteReserve: Float64Array;
  /** Free GPUs, index `site × slotCount + slot`. */
  free: Int32Array;
  /** Unallocated Wh, index `offer × slotCount + slot`. */
  whLeft: Float64Array;
  offerRenewable: Uint8Array;
  offerCarbon: Float64Array;
  /** Offers feeding each site, in draw order (see `drawOrder`), and their energy reserves. */
  siteOffers: Int32Array[];
  siteOfferReserve: Float64Array[];
}

function fail(message: string): never {
  throw new MatchingInputError(message);
}

function checkCount(value: unknown, what: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(`${what} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

function checkSlot(value: unknown, what: string): string {
  if (typeof value !== 'string' || !SLOT_PATTERN.test(value) || Number.isNaN(Date.parse(value))) {
    fail(`${what} must be a whole UTC hour YYYY-MM-DDTHH:00:00Z, got ${String(value)}`);
  }
  return value;
}

function uniqueSorted<T>(items: readonly T[], id: (item: T) => string, what: string): T[] {
  const sorted = [...items].sort((a, b) => compareText(id(a), id(b)));
  for (let i = 1; i < sorted.length; i++) {
    if (id(sorted[i]) === id(sorted[i - 1])) fail(`duplicate ${what} id ${id(sorted[i])}`);
  }
  return sorted;
}

function perSlot(
  values: Readonly<Record<string, number>>,
  slots: readonly string[],
  what: string,
  into: Int32Array | Float64Array,
  offset: number,
): void {
  // Only the horizon's slots are read (and checked): other keys are outside this run.
  for (let t = 0; t < slots.length; t++) {
    const value = values[slots[t]];
    if (value === undefined) continue;
    into[offset + t] = checkCount(value, `${what} at ${slots[t]}`);
  }
}

export function compileSnapshot(snapshot: MatchingSnapshot): CompiledModel {
  const start = slotHour(checkSlot(snapshot.horizon.start, 'horizon.start'));
  const end = slotHour(checkSlot(snapshot.horizon.end, 'horizon.end'));
  if (end < start) fail('horizon.end precedes horizon.start');
  const slotCount = end - start;
  const slots = Array.from({ length: slotCount }, (_, t) => slotAt(start + t));
  const feeBps = checkCount(snapshot.platformFeeBps, 'platformFeeBps');
  if (feeBps >= 10_000) fail('platformFeeBps must be below 10000');

  const sites = uniqueSorted(snapshot.sites, (site) => site.siteId, 'site');
  const offers = uniqueSorted(snapshot.offers, (offer) => offer.offerId, 'offer');
  uniqueSorted(snapshot.orders, (order) => order.orderId, 'order');

  const siteE = new Float64Array(sites.length);
  const siteReserve = new Float64Array(sites.length);
  const free = new Int32Array(sites.length * slotCount);
  sites.forEach((site, s) => {
    siteE[s] = checkCount(site.energyPerGpuHourWh, `site ${site.siteId} energyPerGpuHourWh`, 1);
    siteReserve[s] = checkCount(site.reservePricePerGpuHour, `site ${site.siteId} reserve`);
    perSlot(site.freeGpus, slots, `site ${site.siteId} freeGpus`, free, s * slotCount);
  });

  const whLeft = new Float64Array(offers.length * slotCount);
  const offerRenewable = new Uint8Array(offers.length);
  const offerCarbon = new Float64Array(offers.length);
  offers.forEach((offer, k) => {
    checkCount(offer.floorPricePerMwh, `offer ${offer.offerId} floorPricePerMwh`);
    checkCount(offer.carbonGPerKwh, `offer ${offer.offerId} carbonGPerKwh`);
    perSlot(
      offer.unallocatedWh,
      slots,
      `offer ${offer.offerId} unallocatedWh`,
      whLeft,
      k * slotCount,
    );
    offerRenewable[k] = isRenewable(offer.source) ? 1 : 0;
    offerCarbon[k] = offer.carbonGPerKwh;
  });

  // Draw order at a site: energy whose reserve the site's own reserve covers costs nothing
  // extra, so among those the offers fewest orders can use go first (grid before renewables,
  // offers feeding only this site before shared ones, then the most carbon-intensive),
  // keeping clean and shared energy for the orders and sites that need it; above the site
  // reserve, the cheapest first. Offer id breaks the last ties.
  const siteIds = new Set(sites.map((site) => site.siteId));
  const sitesFed = offers.map((offer) => offer.siteIds.filter((id) => siteIds.has(id)).length);
  const siteOffers: Int32Array[] = [];
  const siteOfferReserve: Float64Array[] = [];
  sites.forEach((site, s) => {
    const feeding = offers
      .map((offer, k) => ({ k, reserve: energyReservePerGpuHour(site, offer, feeBps), offer }))
      .filter(({ offer }) => offerFeedsSite(offer, site));
    feeding.sort(
      (a, b) =>
        Math.max(a.reserve, siteReserve[s]) - Math.max(b.reserve, siteReserve[s]) ||
        offerRenewable[a.k] - offerRenewable[b.k] ||
        sitesFed[a.k] - sitesFed[b.k] ||
        offerCarbon[b.k] - offerCarbon[a.k] ||
        a.k - b.k,
    );
    siteOffers.push(Int32Array.from(feeding, (f) => f.k));
    siteOfferReserve.push(Float64Array.from(feeding, (f) => f.reserve));
  });

  const byRank = [...snapshot.orders]
    .map((order) => {
      const placed = Date.parse(order.placedAt);
      if (Number.isNaN(placed)) fail(`order ${order.orderId} placedAt is not a date-time`);
      return { order, placed };
    })
    .sort((a, b) => a.placed - b.placed || compareText(a.order.orderId, b.order.orderId));

  const sitesByCurrency = new Map<string, number[]>();
  sites.forEach((site, s) => {
    const list = sitesByCurrency.get(site.currency);
    if (list) list.push(s);
    else sitesByCurrency.set(site.currency, [s]);
  });
  const context: CompileContext = {
    sites,
    offers,
    siteOffers,
    siteOfferReserve,
    siteReserve,
    sitesByCurrency,
    snapshot,
    eligibleByConstraints: new Map(),
  };
  const orders = byRank.map(({ order }, rank) => compileOrder(order, rank, context));
  // Position by order id, for the canonical output order.
  const byId = orders
    .map((_, o) => o)
    .sort((a, b) => compareText(orders[a].order.orderId, orders[b].order.orderId));
  byId.forEach((o, position) => (orders[o].idRank = position));

  return {
    slotCount,
    slots,
    feeBps,
    sites,
    offers,
    orders,
    siteE,
    siteReserve,
    free,
    whLeft,
    offerRenewable,
    offerCarbon,
    siteOffers,
    siteOfferReserve,
  };
}

interface CompileContext {
  sites: MatchingSite[];
  offers: MatchingEnergyOffer[];
  siteOffers: Int32Array[];
  siteOfferReserve: Float64Array[];
  siteReserve: Float64Array;
  sitesByCurrency: Map<string, number[]>;
  snapshot: MatchingSnapshot;
  /** Eligible sites by the static constraints that decide them (shared, never mutated). */
  eligibleByConstraints: Map<string, EligibleSites>;
}

interface EligibleSites {
  /** By lowest possible reserve, then site index. */
  sites: Int32Array;
  minReserve: Float64Array;
}

function compileOrder(order: MatchingOrder, rank: number, ctx: CompileContext): CompiledOrder {
  const what = `order ${order.orderId}`;
  const gpus = checkCount(order.gpus, `${what} gpus`, 1);
  const bid = checkCount(order.maxPricePerGpuHour, `${what} maxPricePerGpuHour`);
  checkCount(order.remainingGpuHours, `${what} remainingGpuHours`);
  checkSlot(order.earliestStart, `${what} earliestStart`);
  checkSlot(order.deadline, `${what} deadline`);
  for (const slot of order.filledSlots ?? []) checkSlot(slot, `${what} filledSlots`);
  const wanted = slotsToFill(order);
  const usable = usableSlotIndices(order, ctx.snapshot.horizon);
  const slots = new Int32Array(usable.length);
  for (let i = 0; i < usable.length; i++) slots[i] = usable[i];

  const { sites: eligibleSites, minReserve } = eligibleSitesOf(order, ctx);
  let staticReason: UnfilledReason | undefined;
  if (eligibleSites.length === 0) staticReason = 'no_eligible_site';
  else if (slots.length === 0 || (order.allOrNone && slots.length < wanted)) {
    staticReason = 'no_slot_in_horizon';
  } else if (minReserve[0] > bid) staticReason = 'below_reserve';

  return {
    order,
    rank,
    idRank: 0,
    gpus,
    bid,
    wanted,
    allOrNone: order.allOrNone,
    slots,
    sites: eligibleSites,
    minReserve,
    renewableOnly: order.constraints.renewableOnly === true,
    maxCarbon: order.constraints.maxCarbonGPerKwh ?? Infinity,
    staticReason,
  };
}

/**
 * The order's eligible sites and the lowest reserve it could pay at each (its best qualifying
 * energy). Decided by currency, GPU model and constraints alone, so orders that share them
 * (most do) share one computation: a large market has thousands of orders and hundreds of sites.
 */
function eligibleSitesOf(order: MatchingOrder, ctx: CompileContext): EligibleSites {
  // The whole constraints object is in the key, so a constraint added later can never be
  // shared by mistake (a different key order only costs a second computation).
  const key = JSON.stringify([order.currency, order.gpuModel ?? null, order.constraints]);
  const known = ctx.eligibleByConstraints.get(key);
  if (known) return known;
  const eligible: { s: number; minReserve: number }[] = [];
  for (const s of ctx.sitesByCurrency.get(order.currency) ?? []) {
    const site = ctx.sites[s];
    if (order.gpuModel !== undefined && order.gpuModel !== site.gpuModel) continue;
    if (!siteEligibleForOrder(order, site)) continue;
    let best = Infinity;
    const feeding = ctx.siteOffers[s];
    for (let j = 0; j < feeding.length; j++) {
      if (offerQualifiesForOrder(order, ctx.offers[feeding[j]])) {
        best = Math.min(best, ctx.siteOfferReserve[s][j]);
      }
    }
    if (best < Infinity) eligible.push({ s, minReserve: Math.max(ctx.siteReserve[s], best) });
  }
  eligible.sort((a, b) => a.minReserve - b.minReserve || a.s - b.s);
  const computed: EligibleSites = {
    sites: Int32Array.from(eligible, (e) => e.s),
    minReserve: Float64Array.from(eligible, (e) => e.minReserve),
  };
  ctx.eligibleByConstraints.set(key, computed);
  return computed;
}
