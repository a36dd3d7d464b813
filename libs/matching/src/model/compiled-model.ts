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
  /** Per site: Wh one GPU-hour draws (`e`), and the site's reserve per GPU-hour. */
  whPerGpuHour: Float64Array;
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
  for (let slot = 0; slot < slots.length; slot++) {
    const value = values[slots[slot]];
    if (value === undefined) continue;
    into[offset + slot] = checkCount(value, `${what} at ${slots[slot]}`);
  }
}

export function compileSnapshot(snapshot: MatchingSnapshot): CompiledModel {
  const start = slotHour(checkSlot(snapshot.horizon.start, 'horizon.start'));
  const end = slotHour(checkSlot(snapshot.horizon.end, 'horizon.end'));
  if (end < start) fail('horizon.end precedes horizon.start');
  const slotCount = end - start;
  const slots = Array.from({ length: slotCount }, (_, slot) => slotAt(start + slot));
  const feeBps = checkCount(snapshot.platformFeeBps, 'platformFeeBps');
  if (feeBps >= 10_000) fail('platformFeeBps must be below 10000');

  const sites = uniqueSorted(snapshot.sites, (site) => site.siteId, 'site');
  const offers = uniqueSorted(snapshot.offers, (offer) => offer.offerId, 'offer');
  uniqueSorted(snapshot.orders, (order) => order.orderId, 'order');

  const whPerGpuHour = new Float64Array(sites.length);
  const siteReserve = new Float64Array(sites.length);
  const free = new Int32Array(sites.length * slotCount);
  sites.forEach((site, index) => {
    const what = `site ${site.siteId}`;
    whPerGpuHour[index] = checkCount(site.energyPerGpuHourWh, `${what} energyPerGpuHourWh`, 1);
    siteReserve[index] = checkCount(site.reservePricePerGpuHour, `${what} reserve`);
    perSlot(site.freeGpus, slots, `${what} freeGpus`, free, index * slotCount);
  });

  const whLeft = new Float64Array(offers.length * slotCount);
  const offerRenewable = new Uint8Array(offers.length);
  const offerCarbon = new Float64Array(offers.length);
  offers.forEach((offer, index) => {
    checkCount(offer.floorPricePerMwh, `offer ${offer.offerId} floorPricePerMwh`);
    checkCount(offer.carbonGPerKwh, `offer ${offer.offerId} carbonGPerKwh`);
    perSlot(
      offer.unallocatedWh,
      slots,
      `offer ${offer.offerId} unallocatedWh`,
      whLeft,
      index * slotCount,
    );
    offerRenewable[index] = isRenewable(offer.source) ? 1 : 0;
    offerCarbon[index] = offer.carbonGPerKwh;
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
  sites.forEach((site, siteIndex) => {
    const feeding = offers
      .map((offer, index) => ({
        index,
        reserve: energyReservePerGpuHour(site, offer, feeBps),
        offer,
      }))
      .filter(({ offer }) => offerFeedsSite(offer, site));
    feeding.sort(
      (a, b) =>
        Math.max(a.reserve, siteReserve[siteIndex]) - Math.max(b.reserve, siteReserve[siteIndex]) ||
        offerRenewable[a.index] - offerRenewable[b.index] ||
        sitesFed[a.index] - sitesFed[b.index] ||
        offerCarbon[b.index] - offerCarbon[a.index] ||
        a.index - b.index,
    );
    siteOffers.push(Int32Array.from(feeding, (f) => f.index));
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
  sites.forEach((site, index) => {
    const list = sitesByCurrency.get(site.currency);
    if (list) list.push(index);
    else sitesByCurrency.set(site.currency, [index]);
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
    .map((_, index) => index)
    .sort((a, b) => compareText(orders[a].order.orderId, orders[b].order.orderId));
  byId.forEach((index, position) => (orders[index].idRank = position));

  return {
    slotCount,
    slots,
    feeBps,
    sites,
    offers,
    orders,
    whPerGpuHour,
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
  const eligible: { index: number; minReserve: number }[] = [];
  for (const index of ctx.sitesByCurrency.get(order.currency) ?? []) {
    const site = ctx.sites[index];
    if (order.gpuModel !== undefined && order.gpuModel !== site.gpuModel) continue;
    if (!siteEligibleForOrder(order, site)) continue;
    let best = Infinity;
    const feeding = ctx.siteOffers[index];
    for (let j = 0; j < feeding.length; j++) {
      if (offerQualifiesForOrder(order, ctx.offers[feeding[j]])) {
        best = Math.min(best, ctx.siteOfferReserve[index][j]);
      }
    }
    if (best < Infinity)
      eligible.push({ index, minReserve: Math.max(ctx.siteReserve[index], best) });
  }
  eligible.sort((a, b) => a.minReserve - b.minReserve || a.index - b.index);
  const computed: EligibleSites = {
    sites: Int32Array.from(eligible, (e) => e.index),
    minReserve: Float64Array.from(eligible, (e) => e.minReserve),
  };
  ctx.eligibleByConstraints.set(key, computed);
  return computed;
}
