/**
 * For the greedy of a large region: which sites of an order's list could still hold its GPUs in
 * a slot, found without evaluating the others. A cell's capacity is the GPUs it could run at
 * all, `min(free GPUs, Wh of every offer feeding the site / e)`: an order needing more is
 * turned down there whatever its energy filters. Per (site list, slot) a max segment tree over
 * the list's positions answers "first position from here with capacity ≥ g" in O(log n).
 * The greedy only adds allocations, so capacities only fall: a tree's values are upper bounds,
 * corrected when a search lands on one that has fallen (no update at each placement, whatever
 * the number of lists a site is in). Nearly all the evaluations a large greedy turns down are
 * such cells (measured: 22.64 M of 22.66 M on a 17,860-order region).
 * Only lists shared by several orders get trees, within a memory budget; the others are
 * scanned site by site (`next` then returns the next position).
 */
import { MatchingEngine } from '../engine-state/matching-engine';

/** Orders a site list needs for a tree of its own. */
const MIN_ORDERS_PER_LIST = 16;
/** Tree entries (Int32) all lists may hold over every slot: 128 MB. */
const MAX_TREE_ENTRIES = 32_000_000;

export class CellCapacityIndex {
  /** Lists with trees, by identity (orders with the same constraints share one array). */
  private readonly listIds = new Map<Int32Array, number>();
  /** Leaves per indexed list: the smallest power of two holding it. */
  private readonly sizes: number[] = [];
  private readonly lists: Int32Array[] = [];
  /** Built trees by `list × slotCount + slot`; a tree is built the first time it is asked. */
  private readonly trees = new Map<number, Int32Array>();

  constructor(private readonly engine: MatchingEngine) {
    const ordersOf = new Map<Int32Array, number>();
    for (const order of engine.model.orders) {
      ordersOf.set(order.sites, (ordersOf.get(order.sites) ?? 0) + 1);
    }
    // The most shared lists first (ties: first seen), while the memory budget lasts.
    const shared = [...ordersOf.entries()]
      .filter(([, orders]) => orders >= MIN_ORDERS_PER_LIST)
      .sort((a, b) => b[1] - a[1]);
    let entries = 0;
    for (const [sites] of shared) {
      let size = 1;
      while (size < sites.length) size *= 2;
      entries += 2 * size * engine.slotCount;
      if (entries > MAX_TREE_ENTRIES) break;
      this.listIds.set(sites, this.lists.length);
      this.lists.push(sites);
      this.sizes.push(size);
    }
  }

  /** Whether the list has trees (else `next` walks it site by site). */
  indexes(sites: Int32Array): boolean {
    return this.listIds.has(sites);
  }

  /** GPUs the cell could run at all now. */
  capacity(site: number, slot: number): number {
    const engine = this.engine;
    const slotCount = engine.slotCount;
    let wh = 0;
    for (const offer of engine.model.siteOffers[site])
      wh += engine.whLeft[offer * slotCount + slot];
    const powered = Math.floor(wh / engine.model.whPerGpuHour[site]);
    const free = engine.freeGpus[site * slotCount + slot];
    return free < powered ? free : powered;
  }

  /**
   * First position ≥ `from` of `sites` whose cell in `slot` could hold `gpus`, or its length;
   * for a list without a tree, simply `from` (the caller evaluates every site).
   */
  next(sites: Int32Array, slot: number, from: number, gpus: number): number {
    if (from >= sites.length) return sites.length;
    const list = this.listIds.get(sites);
    if (list === undefined) return from;
    const size = this.sizes[list];
    const tree = this.tree(list, slot);
    for (;;) {
      const found = firstAtLeast(tree, size, from, gpus);
      if (found < 0) return sites.length;
      const capacity = this.capacity(sites[found], slot);
      if (capacity >= gpus) return found;
      lower(tree, size + found, capacity); // it fell since: correct it and look further
    }
  }

  private tree(list: number, slot: number): Int32Array {
    const key = list * this.engine.slotCount + slot;
    let tree = this.trees.get(key);
    if (tree) return tree;
    const sites = this.lists[list];
    const size = this.sizes[list];
    tree = new Int32Array(2 * size).fill(-1);
    for (let position = 0; position < sites.length; position++) {
      tree[size + position] = this.capacity(sites[position], slot);
    }
    for (let node = size - 1; node >= 1; node--) {
      tree[node] = Math.max(tree[2 * node], tree[2 * node + 1]);
    }
    this.trees.set(key, tree);
    return tree;
  }
}

/** Sets a leaf to a lower value and the maxima above it. */
function lower(tree: Int32Array, leaf: number, value: number): void {
  tree[leaf] = value;
  for (let node = leaf >> 1; node >= 1; node >>= 1) {
    const max = Math.max(tree[2 * node], tree[2 * node + 1]);
    if (tree[node] === max) break;
    tree[node] = max;
  }
}

/**
 * First leaf position ≥ `from` holding ≥ `at` in a max tree of `size` leaves (root 1), or −1:
 * up from the leaf until a right sibling holds enough, then down to its leftmost such leaf.
 */
function firstAtLeast(tree: Int32Array, size: number, from: number, at: number): number {
  let node = size + from;
  if (tree[node] >= at) return from;
  for (;;) {
    if (node === 1) return -1;
    if ((node & 1) === 0 && tree[node + 1] >= at) {
      node++;
      break;
    }
    node >>= 1;
  }
  while (node < size) node = tree[2 * node] >= at ? 2 * node : 2 * node + 1;
  return node - size;
}
