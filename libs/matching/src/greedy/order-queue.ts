/**
 * A binary max-heap of orders keyed by (key desc, rank asc): the greedy's "highest surplus per
 * GPU-hour first, ties by placement time then id" (rank encodes the latter).
 */
export class OrderQueue {
  private keys: number[] = [];
  private ranks: number[] = [];
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  /** True when (keyA, rankA) comes before (keyB, rankB). */
  static before(keyA: number, rankA: number, keyB: number, rankB: number): boolean {
    return keyA > keyB || (keyA === keyB && rankA < rankB);
  }

  push(item: number, key: number, rank: number): void {
    const { keys, ranks, items } = this;
    let i = items.length;
    keys.push(key);
    ranks.push(rank);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!OrderQueue.before(key, rank, keys[parent], ranks[parent])) break;
      keys[i] = keys[parent];
      ranks[i] = ranks[parent];
      items[i] = items[parent];
      i = parent;
    }
    keys[i] = key;
    ranks[i] = rank;
    items[i] = item;
  }

  topKey(): number {
    return this.keys[0];
  }

  topRank(): number {
    return this.ranks[0];
  }

  pop(): number {
    const { keys, ranks, items } = this;
    const top = items[0];
    const lastKey = keys.pop() as number;
    const lastRank = ranks.pop() as number;
    const lastItem = items.pop() as number;
    const n = items.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child =
        right < n && OrderQueue.before(keys[right], ranks[right], keys[left], ranks[left])
          ? right
          : left;
      if (!OrderQueue.before(keys[child], ranks[child], lastKey, lastRank)) break;
      keys[i] = keys[child];
      ranks[i] = ranks[child];
      items[i] = items[child];
      i = child;
    }
    keys[i] = lastKey;
    ranks[i] = lastRank;
    items[i] = lastItem;
    return top;
  }
}
