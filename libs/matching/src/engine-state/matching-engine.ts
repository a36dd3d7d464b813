/**
 * The engine every phase works on: the state and its journal, plus the one question all of
 * them ask, "can this order take this slot at this site now, and at what reserve?", and the
 * placement that follows a yes. Works on the compiled model's indices only.
 */
import { EnergyPlan } from '../energy/energy-plan';
import { CompiledModel } from '../model/compiled-model';
import { ceilDiv } from '../model/rules';
import { NONE } from './engine-allocation';
import { EngineState } from './engine-state';

/** The best site `bestSite` found for an order in a slot. */
export interface SiteChoice {
  site: number;
  reserve: number;
  /** GPUs of the order's size that would still fit there after it. */
  slack: number;
  /** First site of the order's list the scan did not find closed. */
  open: number;
}

/** Where the next site that could hold `gpus` in `slot` is, from index `from` of `sites`. */
export interface SiteCandidates {
  next(sites: Int32Array, slot: number, from: number, gpus: number): number;
}

export class MatchingEngine extends EngineState {
  private readonly plan: EnergyPlan;
  /** Set by `evaluate`: GPUs of the order's size that would still fit after it (tie-breaker). */
  private evaluatedSlack = 0;

  constructor(model: CompiledModel) {
    super(model);
    this.plan = new EnergyPlan(model, this.whLeft);
  }

  /**
   * Can `order` take `slot` at `site` now? Returns the reserve per GPU-hour it would pay
   * (energy drawn in the site's draw order; offers flagged in `avoid` last), or -1. Counts one
   * unit of work.
   */
  evaluate(order: number, site: number, slot: number, avoid?: Uint8Array): number {
    this.work++;
    const model = this.model;
    const compiled = model.orders[order];
    const gpus = compiled.gpus;
    const cell = site * this.slotCount + slot;
    const freeGpus = this.freeGpus[cell];
    if (freeGpus < gpus) return -1;
    const whPerGpu = model.whPerGpuHour[site];
    const need = gpus * whPerGpu;
    const offers = this.plan.collect(order, site, slot, avoid);
    if (this.plan.available < need) return -1;
    const siteReserve = model.siteReserve[site];
    const energyReserve = ceilDiv(this.plan.split(offers, need, siteReserve), need);
    const reserve = energyReserve > siteReserve ? energyReserve : siteReserve;
    if (reserve > compiled.bid) return -1;
    // One uniform price per (site, slot) must lie between every reserve and every bid there.
    if (reserve > this.minBid[cell] || compiled.bid < this.maxReserve[cell]) return -1;
    const energySlack = Math.floor(this.plan.available / whPerGpu) - gpus;
    this.evaluatedSlack = Math.min(freeGpus - gpus, energySlack);
    return reserve;
  }

  /** Wh the last `evaluate` found for the order in the cell (every qualifying offer's). */
  get availableWh(): number {
    return this.plan.available;
  }

  /** Wh the last evaluated plan draws from the offers flagged in `mask`. */
  plannedFrom(mask: Uint8Array): number {
    return this.plan.drawnFrom(mask);
  }

  /** Commits what `evaluate(order, site, slot, avoid)` accepted; returns the allocation id. */
  place(order: number, site: number, slot: number, avoid?: Uint8Array): number {
    const model = this.model;
    const gpus = model.orders[order].gpus;
    const cell = site * this.slotCount + slot;
    const need = gpus * model.whPerGpuHour[site];
    const offers = this.plan.collect(order, site, slot, avoid);
    if (this.plan.available < need || this.freeGpus[cell] < gpus) {
      throw new Error('place() without capacity');
    }
    const siteReserve = model.siteReserve[site];
    const energyReserve = ceilDiv(this.plan.split(offers, need, siteReserve), need);
    const reserve = Math.max(energyReserve, siteReserve);
    const draws = this.plan.draws(offers);
    return this.record({ order, site, slot, reserve, draws, alive: false });
  }

  /**
   * Places `order` in `slot` at `site`, which `bestSite` found cheapest at `reserve`, or at the
   * site of a slot next to it the order holds if the reserve there is no higher: between
   * equally priced sites the job stays where it runs rather than moving (a checkpoint and a
   * migration for the buyer, one more allocation range in the log). Returns the allocation id.
   */
  placeNearHeld(order: number, site: number, slot: number, reserve: number): number {
    const base = order * this.slotCount;
    for (const next of [slot - 1, slot + 1]) {
      if (next < 0 || next >= this.slotCount) continue;
      const id = this.allocationAt[base + next];
      if (id === NONE) continue;
      const held = this.allocations[id].site;
      if (held === site) break;
      const there = this.evaluate(order, held, slot);
      if (there >= 0 && there <= reserve) return this.place(order, held, slot);
    }
    return this.place(order, site, slot);
  }

  /**
   * Best site for `order` in `slot`: lowest reserve, then most slack, then site order.
   * Sites are scanned by their lowest possible reserve, so the scan stops early. The scan
   * starts at `from` (sites before it are known not to take the order) and `choice.open` is
   * set to the first site it did not find closed. `candidates`, when given, skips the sites
   * whose cell cannot hold the order's GPUs at all (same answer, fewer evaluations).
   */
  bestSite(
    order: number,
    slot: number,
    choice: SiteChoice,
    from = 0,
    candidates?: SiteCandidates,
  ): boolean {
    const compiled = this.model.orders[order];
    const sites = compiled.sites;
    const minReserve = compiled.minReserve;
    const gpus = compiled.gpus;
    const next = (i: number) => (candidates ? candidates.next(sites, slot, i, gpus) : i);
    let bestSite = NONE;
    let bestReserve = Infinity;
    let bestSlack = -1;
    let open = sites.length;
    for (let i = next(from); i < sites.length; i = next(i + 1)) {
      if (minReserve[i] > bestReserve || minReserve[i] > compiled.bid) {
        if (open > i) open = i;
        break;
      }
      const reserve = this.evaluate(order, sites[i], slot);
      if (reserve < 0) continue;
      if (open > i) open = i;
      if (reserve < bestReserve || (reserve === bestReserve && this.evaluatedSlack > bestSlack)) {
        bestSite = sites[i];
        bestReserve = reserve;
        bestSlack = this.evaluatedSlack;
      }
    }
    choice.open = open;
    if (bestSite === NONE) return false;
    choice.site = bestSite;
    choice.reserve = bestReserve;
    choice.slack = bestSlack;
    return true;
  }

  /**
   * Is there room for `order` at `site` in `slot` now, price bounds aside: its GPUs free and
   * enough qualifying energy at a reserve within its bid? (Pricing asks whether an order was
   * kept out for want of room, not by the uniform price.) Counts no work.
   */
  hasRoom(order: number, site: number, slot: number): boolean {
    const compiled = this.model.orders[order];
    const gpus = compiled.gpus;
    if (this.freeGpus[site * this.slotCount + slot] < gpus) return false;
    const need = gpus * this.model.whPerGpuHour[site];
    const offers = this.plan.collect(order, site, slot);
    if (this.plan.available < need) return false;
    const siteReserve = this.model.siteReserve[site];
    const energyReserve = ceilDiv(this.plan.split(offers, need, siteReserve), need);
    return Math.max(energyReserve, siteReserve) <= compiled.bid;
  }
}
