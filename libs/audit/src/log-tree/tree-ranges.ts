/**
 * Which subtrees an RFC 9162 proof is made of, as leaf ranges, and which stored nodes hold them.
 *
 * A log tree stores only its *perfect* nodes: node (level, index) is the root of the leaves
 * [index·2^level, (index+1)·2^level). Every subtree a proof names is an RFC 6962 subtree
 * [lo, hi) whose start is aligned on the power of two at or above its width, so its hash is the
 * right fold of at most log2(n) perfect nodes: proofs cost O(log n) node reads.
 */

/** A stored perfect node: the root of leaves [index·2^level, (index+1)·2^level). */
export interface NodeRef {
  level: number;
  index: number;
}

/** Leaves [lo, hi) of the tree, hi exclusive. */
export interface LeafRange {
  lo: number;
  hi: number;
}

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 6962's split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function assertTreeSize(treeSize: number, what = 'tree size'): void {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw new RangeError(`${what} ${treeSize} is not a whole number ≥ 0`);
  }
}

/** The subtrees whose hashes are the inclusion proof of `leafIndex`, leaf first (RFC 9162 §2.1.3.1). */
export function inclusionProofRanges(leafIndex: number, treeSize: number): LeafRange[] {
  assertTreeSize(treeSize);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
    throw new RangeError(`leaf index ${leafIndex} is outside a tree of ${treeSize} leaves`);
  }
  const ranges: LeafRange[] = [];
  let lo = 0;
  let hi = treeSize;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (leafIndex < lo + k) {
      ranges.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      ranges.push({ lo, hi: lo + k });
      lo += k;
    }
  }
  return ranges.reverse();
}

/**
 * The subtrees whose hashes are the consistency proof from tree size `first` to `second`
 * (RFC 9162 §2.1.4.1, SUBPROOF). Empty when first is 0 or equals second.
 */
export function consistencyProofRanges(first: number, second: number): LeafRange[] {
  assertTreeSize(first, 'first tree size');
  assertTreeSize(second, 'second tree size');
  if (first > second) {
    throw new RangeError(`tree size ${first} is larger than tree size ${second}`);
  }
  if (first === 0 || first === second) return [];
  const ranges: LeafRange[] = [];
  // SUBPROOF(m, D[lo:hi], complete), unrolled: each step adds one sibling, the last the subtree itself.
  let m = first;
  let lo = 0;
  let hi = second;
  let complete = true;
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      ranges.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      ranges.push({ lo, hi: lo + k });
      m -= k;
      lo += k;
      complete = false;
    }
  }
  if (!complete) ranges.push({ lo, hi });
  return ranges.reverse();
}

/** The perfect nodes whose right fold is the RFC 6962 hash of the subtree `range` (largest first). */
export function nodesOfRange(range: LeafRange): NodeRef[] {
  const nodes: NodeRef[] = [];
  let lo = range.lo;
  while (lo < range.hi) {
    let level = 0;
    // The largest aligned block starting at lo that fits before hi.
    while (lo % 2 ** (level + 1) === 0 && lo + 2 ** (level + 1) <= range.hi) level += 1;
    nodes.push({ level, index: lo / 2 ** level });
    lo += 2 ** level;
  }
  return nodes;
}

/** Every perfect node (deduplicated) needed to hash the given ranges. */
export function nodesOfRanges(ranges: readonly LeafRange[]): NodeRef[] {
  const seen = new Map<string, NodeRef>();
  for (const range of ranges) {
    for (const node of nodesOfRange(range)) seen.set(`${node.level}:${node.index}`, node);
  }
  return [...seen.values()];
}

/** The perfect nodes a tree of `treeSize` leaves is made of (its root is their right fold). */
export function nodesOfTree(treeSize: number): NodeRef[] {
  assertTreeSize(treeSize);
  return treeSize === 0 ? [] : nodesOfRange({ lo: 0, hi: treeSize });
}

/**
 * The perfect nodes completed by appending leaf `leafIndex` (itself first, then each parent it
 * closes): what an append-only store writes for one new leaf (two on average).
 */
export function nodesCompletedBy(leafIndex: number): NodeRef[] {
  const nodes: NodeRef[] = [{ level: 0, index: leafIndex }];
  let index = leafIndex;
  let level = 0;
  while (index % 2 === 1) {
    index = (index - 1) / 2;
    level += 1;
    nodes.push({ level, index });
  }
  return nodes;
}
