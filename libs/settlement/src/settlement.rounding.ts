/**
 * The one rounding rule. Within a pool, whose exact amounts sum to zero (charges = payouts +
 * fee), each position's exact amount is floored to a minor unit; the floors fall short by a whole
 * number R of minor units, and the R positions with the largest fractional parts get one more,
 * ties to the smaller party id, then the smaller position key. So every position is its exact
 * amount rounded down or up (never a unit away), the pool balances to the minor unit, and the
 * result depends on nothing but the amounts and the ids.
 *
 * A position of two lines (a share and the excess it bears) is rounded as its net amount, then
 * split back: each line is its own exact amount rounded down or up, and the lines add up to the
 * rounded net, so a share never nets below zero after rounding. Such a split always exists:
 * writing the two lines G + α and H + β (integer and fractional parts), the net rounds to
 * G + H + k with k ≥ 1 only if α + β > 0 and k = 2 only if α + β > 1, and rounding each line down
 * or up reaches every such sum.
 */
import { add, ceil, compare, floor, fraction, isZero, Rational, ZERO } from './settlement.rational';

export interface RoundingItem {
  partyId: string;
  key: string;
  /** One or two line amounts; the position's amount is their sum. */
  components: readonly Rational[];
}

export class RoundingImbalanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoundingImbalanceError';
  }
}

/**
 * Rounds the positions of one pool whose integer lines (buyer charges) sum to `integerTotal`:
 * the exact total of everything must be zero. Returns each component's amount in minor units.
 */
export function roundPositions(items: readonly RoundingItem[], integerTotal: bigint): bigint[][] {
  const nets = items.map((item) => item.components.reduce(add, ZERO));
  let exactTotal: Rational = { n: integerTotal, d: 1n };
  for (const net of nets) exactTotal = add(exactTotal, net);
  if (!isZero(exactTotal)) {
    throw new RoundingImbalanceError(
      `Pool does not balance before rounding: ${exactTotal.n}/${exactTotal.d}`,
    );
  }
  const floors = nets.map(floor);
  let shortfall = -integerTotal;
  for (const value of floors) shortfall -= value;
  const fractional = items
    .map((item, index) => ({ index, part: fraction(nets[index]), item }))
    .filter(({ part }) => !isZero(part))
    .sort(
      (a, b) =>
        compare(b.part, a.part) ||
        (a.item.partyId < b.item.partyId ? -1 : a.item.partyId > b.item.partyId ? 1 : 0) ||
        (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0),
    );
  if (shortfall < 0n || shortfall > BigInt(fractional.length)) {
    throw new RoundingImbalanceError(`Cannot distribute ${shortfall} minor units`);
  }
  const rounded = [...floors];
  for (let k = 0; k < Number(shortfall); k++) rounded[fractional[k].index] += 1n;
  return items.map((item, index) => splitRounded(item.components, rounded[index]));
}

/** Component amounts, each its exact value rounded down or up, summing to `net`. */
function splitRounded(components: readonly Rational[], net: bigint): bigint[] {
  if (components.length === 1) return [net];
  if (components.length !== 2) throw new RangeError('A position has one or two lines');
  const [first, second] = components;
  // The first line's nearer rounding first, so an unchanged pair is never shifted by a unit.
  const down = floor(first);
  const nearerDown = compare(fraction(first), { n: 1n, d: 2n }) <= 0;
  const candidates = nearerDown ? [down, ceil(first)] : [ceil(first), down];
  for (const candidate of candidates) {
    const rest = net - candidate;
    if (rest >= floor(second) && rest <= ceil(second)) return [candidate, rest];
  }
  throw new RoundingImbalanceError('No split of a rounded pair');
}
