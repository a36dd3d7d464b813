/**
 * Exact non-integer arithmetic for settlement: a fraction of two bigints, always reduced, with a
 * positive denominator. Used where shares and prices per MWh leave fractions of a minor unit;
 * nothing is ever rounded before the one rounding step (settlement.rounding.ts).
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(n: bigint | number, d: bigint | number = 1n): Rational {
  let num = BigInt(n);
  let den = BigInt(d);
  if (den === 0n) throw new RangeError('Division by zero');
  if (den < 0n) [num, den] = [-num, -den];
  const divisor = gcd(num, den);
  return divisor > 1n ? { n: num / divisor, d: den / divisor } : { n: num, d: den };
}

export const ZERO: Rational = { n: 0n, d: 1n };

export const add = (a: Rational, b: Rational): Rational =>
  a.d === b.d ? rational(a.n + b.n, a.d) : rational(a.n * b.d + b.n * a.d, a.d * b.d);

export const sub = (a: Rational, b: Rational): Rational => add(a, neg(b));

export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });

export const mul = (a: Rational, b: Rational): Rational => rational(a.n * b.n, a.d * b.d);

/** a × n / d for integers n, d (d > 0). */
export const scale = (a: Rational, n: bigint, d: bigint): Rational => rational(a.n * n, a.d * d);

export const compare = (a: Rational, b: Rational): number => {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
};

export const min = (a: Rational, b: Rational): Rational => (compare(a, b) <= 0 ? a : b);
export const max = (a: Rational, b: Rational): Rational => (compare(a, b) >= 0 ? a : b);
export const isZero = (a: Rational): boolean => a.n === 0n;
export const isNegative = (a: Rational): boolean => a.n < 0n;

/** The largest integer ≤ a. */
export function floor(a: Rational): bigint {
  const q = a.n / a.d; // truncates toward zero
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}

/** The smallest integer ≥ a. */
export function ceil(a: Rational): bigint {
  return -floor(neg(a));
}

/** a − floor(a), in [0, 1). */
export const fraction = (a: Rational): Rational => rational(a.n - floor(a) * a.d, a.d);

/** `n/d`, or `n` for an integer. */
export const formatRational = (a: Rational): string =>
  a.d === 1n ? a.n.toString() : `${a.n}/${a.d}`;

/** The inverse of `formatRational`. */
export function parseRational(text: string): Rational {
  const match = /^(-?\d+)(?:\/(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`Not a fraction: ${text}`);
  return rational(BigInt(match[1]), BigInt(match[2] ?? '1'));
}
