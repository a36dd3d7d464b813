import type { AllocationEnergy } from '../matching-run/matching-run.events';

/**
 * The metered Wh of an allocation's hour, split over the offers it ran on pro rata to the Wh
 * matching allocated from each (largest remainder, ties to the earlier offer), so the parts sum
 * to the metered Wh exactly. Each certificate then caps its part at what its offer supplied.
 */
export function splitMeteredWh(
  energy: readonly Pick<AllocationEnergy, 'offerId' | 'wh'>[],
  meteredWh: number,
): { offerId: string; wh: number }[] {
  const allocatedWh = energy.reduce((sum, entry) => sum + entry.wh, 0);
  if (allocatedWh === 0) return energy.map((entry) => ({ offerId: entry.offerId, wh: 0 }));
  const parts = energy.map((entry, index) => {
    // BigInt: Wh × Wh can pass 2^53 (10 GWh × 10 GWh).
    const product = BigInt(meteredWh) * BigInt(entry.wh);
    const total = BigInt(allocatedWh);
    return {
      index,
      offerId: entry.offerId,
      wh: Number(product / total),
      remainder: product % total,
    };
  });
  let left = meteredWh - parts.reduce((sum, part) => sum + part.wh, 0);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (left === 0) break;
    part.wh += 1;
    left -= 1;
  }
  return parts.map(({ offerId, wh }) => ({ offerId, wh }));
}
