import { randomSnapshot } from '../../matching/src/testing/random-snapshot';
import { hashOf } from './matching-input';

/**
 * A run records the hash of its input; replays and auditors recompute it, so the encoding behind
 * it must never change: the hashes below were recorded from the runs' first encoding.
 */
describe('hashOf (a matching run input hash)', () => {
  it('hashes a matching snapshot as it always did', () => {
    expect(hashOf(randomSnapshot({ seed: 3, orders: 20, sites: 3, slots: 6 }))).toBe(
      '887ff2ba84413c23ccf2cbbd4eea8da217786d0403e31eb24524e25e8a9841e7',
    );
  });

  it('hashes keys by UTF-16 code units, integer-like ones included, at every depth', () => {
    const value = { slots: { '10': 1, '9': 2, b: [{ z: 1, y: null }] }, a: 'é😀', n: -0 };
    expect(hashOf(value)).toBe('9106e1020f0a08b1a9fc90f0c6d6ba374bfa8cce5f5b38d045ae109ada37bccc');
    expect(hashOf({ n: 0, a: 'é😀', slots: { b: [{ y: null, z: 1 }], '9': 2, '10': 1 } })).toBe(
      hashOf(value),
    );
  });
});
