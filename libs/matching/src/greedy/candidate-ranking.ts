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
