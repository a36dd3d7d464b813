import fc from 'fast-check';
import {
  attributeMeteredWh,
  drawCapWh,
  largestRemainderSplit,
  mulDivMod,
  splitExcessWh,
} from './settlement.attribution';
import { add, ceil, floor, rational, Rational, ZERO } from './settlement.rational';
import { roundPositions } from './settlement.rounding';

describe('whole-Wh splits', () => {
  it('largest remainder: the shares add up and each is its exact share rounded down or up; ties to the smaller key', () => {
    expect(largestRemainderSplit(10, [1, 1, 1], ['c', 'a', 'b'])).toEqual([3, 4, 3]);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.integer({ min: 1, max: 1e10 }), { minLength: 1, maxLength: 8 }),
        (total, weights) => {
          const shares = largestRemainderSplit(
            total,
            weights,
            weights.map((_, i) => `k${i}`),
          );
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
          const weightSum = BigInt(weights.reduce((sum, w) => sum + w, 0));
          shares.forEach((share, i) => {
            const exact = BigInt(total) * BigInt(weights[i]);
            expect(BigInt(share) * weightSum - exact < weightSum).toBe(true);
            expect(exact - BigInt(share) * weightSum < weightSum).toBe(true);
          });
        },
      ),
    );
  });

  it('mulDivMod is exact past 2^53', () => {
    expect(mulDivMod(9e9, 9e9, 7)).toEqual([
      Number((9_000_000_000n * 9_000_000_000n) / 7n),
      Number((9_000_000_000n * 9_000_000_000n) % 7n),
    ]);
  });

  it('a curtailment takes the unallocated surplus first, then caps the draws pro rata', () => {
    expect(drawCapWh(3_500, undefined)).toBe(3_500);
    expect(
      drawCapWh(3_500, { offerId: 'o', slot: 's', allocatedWh: 5_000, deliverableWh: 6_000 }),
    ).toBe(3_500);
    expect(
      drawCapWh(3_500, { offerId: 'o', slot: 's', allocatedWh: 5_000, deliverableWh: 4_000 }),
    ).toBe(2_800);
    expect(
      drawCapWh(3_500, { offerId: 'o', slot: 's', allocatedWh: 5_000, deliverableWh: 0 }),
    ).toBe(0);
  });

  it('attribution: pro rata to drawn Wh, never above a cap, what a cap cuts off goes to the others', () => {
    expect(attributeMeteredWh(4_000, [3_500, 3_500], [1_400, 3_500], ['o1', 'o2'])).toEqual([
      1_400, 2_600,
    ]);
    expect(attributeMeteredWh(6_000, [3_500, 3_500], [1_400, 3_500], ['o1', 'o2'])).toEqual([
      1_400, 3_500,
    ]);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            drawn: fc.integer({ min: 1, max: 1e7 }),
            capPermille: fc.integer({ min: 0, max: 1_000 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 0, max: 1e8 }),
        (draws, metered) => {
          const drawn = draws.map((d) => d.drawn);
          const caps = draws.map((d) => Math.floor((d.drawn * d.capPermille) / 1_000));
          const ids = draws.map((_, i) => `o${i}`);
          const attributed = attributeMeteredWh(metered, drawn, caps, ids);
          const capSum = caps.reduce((sum, c) => sum + c, 0);
          expect(attributed.reduce((sum, a) => sum + a, 0)).toBe(Math.min(metered, capSum));
          attributed.forEach((a, i) => {
            expect(a).toBeGreaterThanOrEqual(0);
            expect(a).toBeLessThanOrEqual(caps[i]);
          });
          // A draw below its cap got at least its pro rata share (rounded down).
          const drawnSum = drawn.reduce((sum, d) => sum + d, 0);
          attributed.forEach((a, i) => {
            if (a < caps[i]) {
              expect(a).toBeGreaterThanOrEqual(
                mulDivMod(Math.min(metered, capSum), drawn[i], drawnSum)[0],
              );
            }
          });
          const attributedSum = attributed.reduce((sum, a) => sum + a, 0);
          const excess = splitExcessWh(Math.floor(attributedSum / 3), attributed, ids);
          expect(excess.reduce((sum, x) => sum + x, 0)).toBe(Math.floor(attributedSum / 3));
          excess.forEach((x, i) => expect(x).toBeLessThanOrEqual(attributed[i]));
        },
      ),
    );
  });
});

describe('rounding of a pool', () => {
  const fraction = fc
    .record({ n: fc.integer({ min: -1e9, max: 1e9 }), d: fc.integer({ min: 1, max: 1e6 }) })
    .map(({ n, d }) => rational(n, d));

  it('each position rounded down or up, pairs split so each line is too, the pool balanced', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fraction, fc.option(fraction, { nil: undefined })), {
          minLength: 1,
          maxLength: 12,
        }),
        (drafts) => {
          const components: Rational[][] = drafts.map(([a, b]) => (b ? [a, b] : [a]));
          // Make the positions add up to a whole number, which the integer lines (charges) offset.
          const sum = components.flat().reduce(add, ZERO);
          const residue = add(sum, rational(-floor(sum)));
          components[0] = [
            add(components[0][0], rational(-residue.n, residue.d)),
            ...components[0].slice(1),
          ];
          const integerTotal = -floor(components.flat().reduce(add, ZERO));
          const rounded = roundPositions(
            components.map((c, i) => ({ partyId: `p${i % 3}`, key: `k${i}`, components: c })),
            integerTotal,
          );
          let roundedSum = integerTotal;
          rounded.forEach((amounts, i) =>
            amounts.forEach((amount, j) => {
              roundedSum += amount;
              expect(amount >= floor(components[i][j]) && amount <= ceil(components[i][j])).toBe(
                true,
              );
            }),
          );
          expect(roundedSum).toBe(0n);
        },
      ),
    );
  });

  it('refuses a pool that does not balance', () => {
    expect(() =>
      roundPositions([{ partyId: 'p', key: 'k', components: [rational(1, 2)] }], 0n),
    ).toThrow(/does not balance/);
  });
});
