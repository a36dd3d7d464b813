/**
 * How one allocation would draw its Wh at a site in a slot: the offers it may use, in the
 * site's draw order, and the split of the Wh it needs over them. Scratch arrays reused by every
 * evaluation (the engine's hottest path), valid until the next `collect`.
 */
import { CompiledModel } from '../model/compiled-model';

export class EnergyPlan {
  /** Per collected offer: its index, its Wh left in the slot, its energy reserve, Wh taken. */
  private offers = new Int32Array(0);
  private whLeft = new Float64Array(0);
  private reserves = new Float64Array(0);
  private taken = new Float64Array(0);
  /** Wh of every collected offer together. */
  available = 0;
  /** Offers collected. */
  count = 0;

  constructor(
    private readonly model: CompiledModel,
    /** The engine's Wh left per (offer, slot), read live. */
    private readonly offerWhLeft: Float64Array,
  ) {}

  /**
   * Collects the offers `order` may draw from at `site` in `slot`, in the site's draw order
   * (those flagged in `avoid` last); returns their count and sets `available`.
   */
  collect(order: number, site: number, slot: number, avoid?: Uint8Array): number {
    const model = this.model;
    const slotCount = model.slotCount;
    const compiled = model.orders[order];
    const feeding = model.siteOffers[site];
    const reserves = model.siteOfferReserve[site];
    if (this.offers.length < feeding.length) this.grow(feeding.length);
    let count = 0;
    let available = 0;
    for (let pass = avoid ? 0 : 1; pass < 2; pass++) {
      for (let j = 0; j < feeding.length; j++) {
        const offer = feeding[j];
        if (avoid && (avoid[offer] === 1) !== (pass === 1)) continue;
        if (compiled.renewableOnly && model.offerRenewable[offer] === 0) continue;
        if (model.offerCarbon[offer] > compiled.maxCarbon) continue;
        const left = this.offerWhLeft[offer * slotCount + slot];
        if (left <= 0) continue;
        this.offers[count] = offer;
        this.whLeft[count] = left;
        this.reserves[count] = reserves[j];
        available += left;
        count++;
      }
    }
    this.available = available;
    this.count = count;
    return count;
  }

  /**
   * Splits `need` Wh over the `count` collected offers; returns Σ Wh × reserve.
   * In draw order, except that energy dearer than the site reserve is blended in as far as the
   * mix stays within the site reserve: it costs this allocation nothing (its reserve is the
   * site's either way) and saves the cheap energy for allocations that could not pay for more.
   */
  split(count: number, need: number, siteReserve: number): number {
    let cheap = 0;
    let dear = 0;
    for (let i = 0; i < count; i++) {
      if (this.reserves[i] > siteReserve) dear += this.whLeft[i];
      else cheap += this.whLeft[i];
    }
    if (dear === 0 || cheap < need) return this.take(count, need, 0, siteReserve);
    // Largest amount of dear energy (cheapest dear first) keeping the mean within the site reserve.
    let low = 0;
    let high = Math.min(need, dear);
    if (this.excess(count, need, high, siteReserve) > 0) {
      while (low < high) {
        const mid = Math.floor((low + high + 1) / 2);
        if (this.excess(count, need, mid, siteReserve) <= 0) low = mid;
        else high = mid - 1;
      }
    } else {
      low = high;
    }
    return this.take(count, need, low, siteReserve);
  }

  /** The split's draws as pairs (offer index, Wh), offers taking nothing left out. */
  draws(count: number): number[] {
    const draws: number[] = [];
    for (let i = 0; i < count; i++)
      if (this.taken[i] > 0) draws.push(this.offers[i], this.taken[i]);
    return draws;
  }

  /** Wh the last split draws from the offers flagged in `mask`. */
  drawnFrom(mask: Uint8Array): number {
    let wh = 0;
    for (let i = 0; i < this.count; i++) if (mask[this.offers[i]] === 1) wh += this.taken[i];
    return wh;
  }

  /** Σ Wh × (reserve − site reserve) of the split taking `dearWh` of dear energy. */
  private excess(count: number, need: number, dearWh: number, siteReserve: number): number {
    const weighted = this.take(count, need, dearWh, siteReserve);
    return weighted - need * siteReserve;
  }

  /**
   * Fills `taken`: `dearWh` from the offers dearer than the site reserve, the rest from the
   * others, each group in draw order; with `dearWh` 0, plain draw order. Returns Σ Wh × reserve.
   */
  private take(count: number, need: number, dearWh: number, siteReserve: number): number {
    let weighted = 0;
    if (dearWh === 0) {
      let remaining = need;
      for (let i = 0; i < count; i++) {
        const amount = remaining > 0 ? Math.min(this.whLeft[i], remaining) : 0;
        this.taken[i] = amount;
        weighted += amount * this.reserves[i];
        remaining -= amount;
      }
      return weighted;
    }
    let dearLeft = dearWh;
    let cheapLeft = need - dearWh;
    for (let i = 0; i < count; i++) {
      const isDear = this.reserves[i] > siteReserve;
      const wanted = isDear ? dearLeft : cheapLeft;
      const amount = wanted > 0 ? Math.min(this.whLeft[i], wanted) : 0;
      if (isDear) dearLeft -= amount;
      else cheapLeft -= amount;
      this.taken[i] = amount;
      weighted += amount * this.reserves[i];
    }
    return weighted;
  }

  private grow(size: number): void {
    this.offers = new Int32Array(size);
    this.whLeft = new Float64Array(size);
    this.reserves = new Float64Array(size);
    this.taken = new Float64Array(size);
  }
}
