/**
 * Independent regions of a market: the connected components of the graph linking each order to
 * the sites it could run at (eligible, lowest reserve within its bid) and the sites one energy
 * offer feeds. No order, GPU or Wh is shared across two regions, so each is matched alone and
 * the results put side by side are a valid result for the whole market.
 */
import { CompiledModel, CompiledOrder } from '../model/compiled-model';

export interface Region {
  /** Site indices of the whole model, ascending (so by site id). */
  sites: number[];
  /** Offer indices, ascending (so by offer id). */
  offers: number[];
  /** Order indices, ascending (so by rank). */
  orders: number[];
}

/** Union-find over site indices, smallest index as the root so roots are deterministic. */
class SiteSets {
  private readonly parent: Int32Array;

  constructor(count: number) {
    this.parent = Int32Array.from({ length: count }, (_, site) => site);
  }

  root(site: number): number {
    let root = site;
    while (this.parent[root] !== root) root = this.parent[root];
    // Path compression: every site on the way now points at the root.
    for (let next = site; this.parent[next] !== root;) {
      const up = this.parent[next];
      this.parent[next] = root;
      next = up;
    }
    return root;
  }

  join(a: number, b: number): void {
    const rootA = this.root(a);
    const rootB = this.root(b);
    if (rootA < rootB) this.parent[rootB] = rootA;
    else if (rootB < rootA) this.parent[rootA] = rootB;
  }
}

/** An order that can take some slot: only those link sites together. */
function competes(order: CompiledOrder): boolean {
  return order.staticReason === undefined && order.wanted > 0;
}

/**
 * The market's regions, by their first site (site id order), each with at least one order.
 * An order that cannot compete (a static reason, nothing wanted) links nothing: it joins the
 * region of its first eligible site, where it is reported with the same reason.
 */
export function findRegions(model: CompiledModel): Region[] {
  const sets = new SiteSets(model.sites.length);
  const offerSites: number[][] = model.offers.map(() => []);
  model.siteOffers.forEach((feeding, site) => {
    for (const offer of feeding) offerSites[offer].push(site);
  });
  for (const sites of offerSites) {
    for (let i = 1; i < sites.length; i++) sets.join(sites[0], sites[i]);
  }
  for (const order of model.orders) {
    if (!competes(order)) continue;
    let first = -1;
    for (let i = 0; i < order.sites.length; i++) {
      if (order.minReserve[i] > order.bid) continue;
      if (first < 0) first = order.sites[i];
      else sets.join(first, order.sites[i]);
    }
  }

  const regionOfRoot = new Map<number, Region>();
  const regions: Region[] = [];
  for (let site = 0; site < model.sites.length; site++) {
    const root = sets.root(site);
    let region = regionOfRoot.get(root);
    if (!region) {
      region = { sites: [], offers: [], orders: [] };
      regionOfRoot.set(root, region);
      regions.push(region); // roots are the smallest site of their set: regions by first site
    }
    region.sites.push(site);
  }
  offerSites.forEach((sites, offer) => {
    // An offer feeding no site of the market is drawn by no one: it can be left out.
    if (sites.length > 0) regionOfRoot.get(sets.root(sites[0]))!.offers.push(offer);
  });
  // Orders no site of the market can serve never compete: they join the first region (or
  // make one), so a market of one region is still matched as one run.
  if (regions.length === 0) regions.push({ sites: [], offers: [], orders: [] });
  model.orders.forEach((order, index) => {
    const region =
      order.sites.length > 0 ? regionOfRoot.get(sets.root(usableOrFirstSite(order)))! : regions[0];
    region.orders.push(index);
  });
  return regions.filter((region) => region.orders.length > 0);
}

/** A competing order's first site within its bid (all its usable sites share one region). */
function usableOrFirstSite(order: CompiledOrder): number {
  if (competes(order)) {
    for (let i = 0; i < order.sites.length; i++) {
      if (order.minReserve[i] <= order.bid) return order.sites[i];
    }
  }
  return order.sites[0];
}

/**
 * The compiled model of one region: what `compileSnapshot` gives for the snapshot holding only
 * the region's orders, sites and offers (indices renumbered, every order kept; each order's
 * eligible sites are the region's among its own, in the same order).
 */
export function regionModel(model: CompiledModel, region: Region): CompiledModel {
  const slotCount = model.slotCount;
  const siteIndex = new Int32Array(model.sites.length).fill(-1);
  region.sites.forEach((site, index) => (siteIndex[site] = index));
  const offerIndex = new Int32Array(model.offers.length).fill(-1);
  region.offers.forEach((offer, index) => (offerIndex[offer] = index));

  const free = new Int32Array(region.sites.length * slotCount);
  region.sites.forEach((site, index) =>
    free.set(model.free.subarray(site * slotCount, (site + 1) * slotCount), index * slotCount),
  );
  const whLeft = new Float64Array(region.offers.length * slotCount);
  region.offers.forEach((offer, index) =>
    whLeft.set(
      model.whLeft.subarray(offer * slotCount, (offer + 1) * slotCount),
      index * slotCount,
    ),
  );

  // Orders share their eligible-site arrays (one per set of constraints): so do their copies.
  const remapped = new Map<Int32Array, { sites: Int32Array; minReserve: Float64Array }>();
  const remap = (order: CompiledOrder) => {
    let known = remapped.get(order.sites);
    if (!known) {
      const sites: number[] = [];
      const minReserve: number[] = [];
      for (let i = 0; i < order.sites.length; i++) {
        const index = siteIndex[order.sites[i]];
        if (index < 0) continue;
        sites.push(index);
        minReserve.push(order.minReserve[i]);
      }
      known = { sites: Int32Array.from(sites), minReserve: Float64Array.from(minReserve) };
      remapped.set(order.sites, known);
    }
    return known;
  };
  const orders: CompiledOrder[] = region.orders.map((index, rank) => ({
    ...model.orders[index],
    rank,
    ...remap(model.orders[index]),
  }));
  const byId = orders.map((_, index) => index).sort((a, b) => orders[a].idRank - orders[b].idRank);
  byId.forEach((index, position) => (orders[index].idRank = position));

  return {
    slotCount,
    slots: model.slots,
    feeBps: model.feeBps,
    sites: region.sites.map((site) => model.sites[site]),
    offers: region.offers.map((offer) => model.offers[offer]),
    orders,
    whPerGpuHour: Float64Array.from(region.sites, (site) => model.whPerGpuHour[site]),
    siteReserve: Float64Array.from(region.sites, (site) => model.siteReserve[site]),
    free,
    whLeft,
    offerRenewable: Uint8Array.from(region.offers, (offer) => model.offerRenewable[offer]),
    offerCarbon: Float64Array.from(region.offers, (offer) => model.offerCarbon[offer]),
    siteOffers: region.sites.map((site) =>
      Int32Array.from(model.siteOffers[site], (offer) => offerIndex[offer]),
    ),
    siteOfferReserve: region.sites.map((site) => model.siteOfferReserve[site]),
  };
}
