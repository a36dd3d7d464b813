/**
 * Decimal inputs (kWh, kW, PUE, major currency amounts) parsed from their decimal text into
 * integers, never through floating-point arithmetic, and rejected when more precise than the
 * unit can hold.
 */
import { fail, ok, Parsed } from './validation';

/**
 * A non-negative decimal (text or number) as an integer count of 10^-decimals units. Numbers go
 * through their shortest decimal text, so `0.1 + 0.2` is rejected as too precise rather than
 * rounded. Trailing zeros beyond the precision are fine (`1.2500` kWh is 1250 Wh).
 */
export function parseScaledDecimal(
  value: unknown,
  field: string,
  decimals: number,
): Parsed<number> {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  const match = typeof text === 'string' ? /^(\d+)(?:\.(\d+))?$/.exec(text) : null;
  if (!match) return fail(field, 'must be a non-negative decimal number');
  const [, whole, fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > decimals) {
    return fail(field, `must have at most ${decimals} decimal place${decimals === 1 ? '' : 's'}`);
  }
  const scaled =
    BigInt(whole) * 10n ** BigInt(decimals) + BigInt(significant.padEnd(decimals, '0') || '0');
  if (scaled > BigInt(Number.MAX_SAFE_INTEGER)) return fail(field, 'is too large');
  return ok(Number(scaled));
}

/**
 * The decimal text of `scaled × 10^-decimals`: the shortest, e.g. (1125, 3) → "1.125",
 * (700, 3) → "0.7", (-30, 2) → "-0.3", or with every place kept (`allPlaces`): (-30, 2) → "-0.30".
 * The sign is set apart before padding, so a negative amount keeps its leading zero.
 */
export function formatScaledDecimal(
  scaled: number,
  decimals: number,
  options: { allPlaces?: boolean } = {},
): string {
  const sign = scaled < 0 ? '-' : '';
  const magnitude = String(Math.abs(scaled));
  if (decimals === 0) return `${sign}${magnitude}`;
  const digits = magnitude.padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const places = digits.slice(-decimals);
  const fraction = options.allPlaces ? places : places.replace(/0+$/, '');
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** A decimal with at most three places, kept both as canonical text and in thousandths. */
export interface Thousandths {
  /** Canonical decimal text, as stored in events: "0.7", "1.125". */
  text: string;
  /** The same value × 1000, an integer. */
  thousandths: number;
}

export function parseThousandths(
  value: unknown,
  field: string,
  min: number,
  max: number,
): Parsed<Thousandths> {
  const scaled = parseScaledDecimal(value, field, 3);
  if (!scaled.ok) return scaled;
  if (scaled.value < min || scaled.value > max) {
    return fail(
      field,
      `must be between ${formatScaledDecimal(min, 3)} and ${formatScaledDecimal(max, 3)}`,
    );
  }
  return ok({ text: formatScaledDecimal(scaled.value, 3), thousandths: scaled.value });
}

/** A decimal as stored in an event (already validated): "1.125" → { text, thousandths: 1125 }. */
export function storedThousandths(text: string): Thousandths {
  const scaled = parseScaledDecimal(text, 'stored', 3);
  if (!scaled.ok) throw new Error(`Not a stored decimal: ${text}`);
  return { text, thousandths: scaled.value };
}
