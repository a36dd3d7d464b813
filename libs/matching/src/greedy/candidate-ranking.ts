import type { CompiledModel } from '../model/compiled-model';
import type { MatchingEngine, SiteChoice } from '../engine-state/matching-engine';

/**
 * Ranks an order's candidate slots `0..count-1` into `ranking`: cheapest reserve first, then
 * the most slack, then the earliest slot (a total order, so the greedy is deterministic).
 */
export function rankCandidates(
  ranking: number[],
  count: number,
  reserve: Float64Array,
  slack: Float64Array,
  slot: Int32Array,
): void {
  ranking.length = count;
  for (let i = 0; i < count; i++) ranking[i] = i;
  ranking.sort((a, b) => reserve[a] - reserve[b] || slack[b] - slack[a] || slot[a] - slot[b]);
}

/**
 * One order's candidate slots as a greedy collects them (the slot, its best site, reserve and
 * slack there), in buffers sized once for the longest order, and their ranking.
 */
export class CandidateSlots {
  readonly slot: Int32Array;
  readonly site: Int32Array;
  readonly reserve: Float64Array;
  readonly slack: Float64Array;
  readonly ranking: number[] = [];
  count = 0;

  constructor(model: CompiledModel) {
    const most = model.orders.reduce((max, compiled) => Math.max(max, compiled.slots.length), 0);
    this.slot = new Int32Array(most);
    this.site = new Int32Array(most);
    this.reserve = new Float64Array(most);
    this.slack = new Float64Array(most);
  }

  clear(): void {
    this.count = 0;
  }

  add(slot: number, choice: SiteChoice): void {
    const i = this.count++;
    this.slot[i] = slot;
    this.site[i] = choice.site;
    this.reserve[i] = choice.reserve;
    this.slack[i] = choice.slack;
  }

  /** The candidates ranked (`rankCandidates`): indexes into the buffers. */
  rank(): number[] {
    rankCandidates(this.ranking, this.count, this.reserve, this.slack, this.slot);
    return this.ranking;
  }

  /** How many candidates have a reserve of at most `reserve`. */
  atMost(reserve: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.reserve[i] <= reserve) n++;
    return n;
  }

  /** Places `order` on candidate `i`, next to a slot it holds where as cheap. */
  place(engine: MatchingEngine, order: number, i: number): void {
    engine.placeNearHeld(order, this.site[i], this.slot[i], this.reserve[i]);
  }
}
