/**
 * Whose energy an allocation ran on: its metered Wh split across its draws in whole Wh.
 *
 * - Curtailment: a curtailment first takes the offer's unallocated surplus; only when what is
 *   deliverable falls below what was allocated in the slot is each draw of the offer in that slot
 *   capped, pro rata to its drawn Wh, floored to a Wh: `cap = ⌊drawn × deliverable / allocated⌋`.
 *   A draw is never credited more than it drew.
 * - Attribution: the metered Wh (at most Σ caps) is split pro rata to the drawn Wh; a draw whose
 *   share reaches its cap gets its cap, and the rest is split again among the others (water
 *   filling), so a curtailed producer's shortfall is credited to the producers that did deliver.
 *   Metered Wh beyond Σ caps came from no allocated offer: nobody is paid for it.
 * - Excess: attributed Wh beyond `e × delivered GPU-hours` is the paid excess, split across the
 *   draws pro rata to their attributed Wh.
 * Every split in whole Wh is by largest remainder, ties to the smaller offer id.
 */
import { OfferSlotSupply } from './settlement.types';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** ⌊a × b / c⌋ and (a × b) mod c for non-negative integers, exact even past 2^53. */
export function mulDivMod(a: number, b: number, c: number): [quotient: number, remainder: number] {
  if (a === 0 || b <= MAX_SAFE / a) {
    const product = a * b;
    const remainder = product % c;
    return [(product - remainder) / c, remainder];
  }
  const product = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  return [Number(product / divisor), Number(product % divisor)];
}

/**
 * `total` split in whole units pro rata to `weights` (Σ weights > 0): each share is the floor of
 * its exact value, and the units left go one each to the largest remainders, ties to the smaller
 * key. Σ shares = total, and each share is within one unit of its exact value.
 */
export function largestRemainderSplit(
  total: number,
  weights: readonly number[],
  keys: readonly string[],
): number[] {
  const n = weights.length;
  let weightSum = 0;
  for (const weight of weights) weightSum += weight;
  const shares = new Array<number>(n);
  const remainders = new Array<number>(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const [share, remainder] = mulDivMod(total, weights[i], weightSum);
    shares[i] = share;
    remainders[i] = remainder;
    given += share;
  }
  let left = total - given;
  if (left > 0) {
    const order = [...Array(n).keys()].sort(
      (a, b) =>
        remainders[b] - remainders[a] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0),
    );
    for (const i of order) {
      if (left === 0) break;
      shares[i] += 1;
      left -= 1;
    }
  }
  return shares;
}

/** What one draw can have delivered in its slot, given the offer's supply after curtailment. */
export function drawCapWh(drawnWh: number, supply: OfferSlotSupply | undefined): number {
  if (!supply) return drawnWh;
  const allocated = Math.max(supply.allocatedWh, drawnWh);
  const deliverable = Math.min(allocated, Math.max(0, supply.deliverableWh));
  if (deliverable >= allocated) return drawnWh;
  return mulDivMod(drawnWh, deliverable, allocated)[0];
}

/**
 * Metered Wh attributed to each draw: pro rata to drawn Wh, capped, the capped-off part
 * re-split among the uncapped draws. Σ = min(metered, Σ caps).
 */
export function attributeMeteredWh(
  meteredWh: number,
  drawnWh: readonly number[],
  capsWh: readonly number[],
  offerIds: readonly string[],
): number[] {
  const n = drawnWh.length;
  if (n === 1) return [Math.min(meteredWh, capsWh[0])];
  const attributed = new Array<number>(n).fill(0);
  let capSum = 0;
  for (const cap of capsWh) capSum += cap;
  let remaining = Math.min(meteredWh, capSum);
  let active: number[] = [];
  for (let i = 0; i < n; i++) if (capsWh[i] > 0) active.push(i);
  while (remaining > 0 && active.length > 0) {
    const shares = largestRemainderSplit(
      remaining,
      active.map((i) => drawnWh[i]),
      active.map((i) => offerIds[i]),
    );
    const capped = active.filter((i, k) => shares[k] >= capsWh[i]);
    if (capped.length === 0) {
      active.forEach((i, k) => (attributed[i] = shares[k]));
      break;
    }
    for (const i of capped) {
      attributed[i] = capsWh[i];
      remaining -= capsWh[i];
    }
    active = active.filter((i, k) => shares[k] < capsWh[i]);
  }
  return attributed;
}

/** The paid excess Wh split across draws pro rata to their attributed Wh (each ≤ its own). */
export function splitExcessWh(
  excessWh: number,
  attributedWh: readonly number[],
  offerIds: readonly string[],
): number[] {
  if (excessWh === 0) return attributedWh.map(() => 0);
  if (attributedWh.length === 1) return [excessWh];
  return largestRemainderSplit(excessWh, attributedWh, offerIds);
}
