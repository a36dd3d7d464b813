/**
 * The results of independent regions put side by side in the canonical order of one result
 * (allocations by slot, site id, order id; clearing prices by site id, slot; welfare by
 * currency; unfilled by order id). Regions share no site and no order, so nothing is summed
 * but the welfare lines.
 */
import { CurrencyCode } from '@policloud/domain';
import { compareText } from '../model/compiled-model';
import { Allocation, ClearingPrice, MatchingResult, WelfareLine } from '../model/types';

/** `siteRank`: each site id's position in site id order; `slots`: the horizon's slots in order. */
export function mergeResults(
  results: readonly MatchingResult[],
  siteRank: ReadonlyMap<string, number>,
  slots: readonly string[],
): MatchingResult {
  if (results.length === 1) return results[0];
  const slotIndex = new Map(slots.map((slot, index) => [slot, index]));
  const rankOf = (siteId: string) => siteRank.get(siteId) as number;

  // Each region's allocations are sorted by slot, site, order and no site is in two regions:
  // per slot, the regions' runs of one site each stay whole, ordered by site id.
  const bySlot: Allocation[][] = slots.map(() => []);
  for (const result of results) {
    for (const allocation of result.allocations) {
      bySlot[slotIndex.get(allocation.slot) as number].push(allocation);
    }
  }
  const allocations: Allocation[] = [];
  for (const slotAllocations of bySlot) {
    // Stable sort: within a site the order-id order of its region is kept.
    slotAllocations.sort((a, b) => rankOf(a.siteId) - rankOf(b.siteId));
    for (const allocation of slotAllocations) allocations.push(allocation);
  }

  const clearingPrices: ClearingPrice[] = results
    .flatMap((result) => result.clearingPrices)
    .sort((a, b) => rankOf(a.siteId) - rankOf(b.siteId)); // stable: slots stay in order

  const welfareByCurrency = new Map<CurrencyCode, WelfareLine>();
  for (const line of results.flatMap((result) => result.welfare)) {
    const sum = welfareByCurrency.get(line.currency);
    if (sum) {
      sum.welfare += line.welfare;
      sum.gpuHours += line.gpuHours;
    } else {
      welfareByCurrency.set(line.currency, { ...line });
    }
  }
  const welfare = [...welfareByCurrency.values()].sort((a, b) =>
    compareText(a.currency, b.currency),
  );

  return {
    allocations,
    clearingPrices,
    welfare,
    totalWelfare: welfare.reduce((sum, line) => sum + line.welfare, 0),
    unfilled: results
      .flatMap((result) => result.unfilled)
      .sort((a, b) => compareText(a.orderId, b.orderId)),
  };
}
