/** Money: integer minor units of an ISO 4217 currency, unit prices, and their decimal forms. */
import { formatScaledDecimal, parseScaledDecimal } from './decimals';
import { CURRENCY_CODES, CURRENCY_EXPONENTS, CurrencyCode } from './iso-4217';
import { fail, ok, parseInteger, Parsed } from './validation';

export { CURRENCY_CODES, CURRENCY_EXPONENTS };
export type { CurrencyCode };

export function parseCurrency(value: unknown, field: string): Parsed<CurrencyCode> {
  return typeof value === 'string' && Object.hasOwn(CURRENCY_EXPONENTS, value)
    ? ok(value as CurrencyCode)
    : fail(field, 'must be a supported ISO 4217 currency code (e.g. EUR, USD, CHF)');
}

export function minorUnitExponent(currency: CurrencyCode): number {
  return CURRENCY_EXPONENTS[currency];
}

/** An amount in minor units (cents for EUR): a non-negative integer. */
export function parseMinorUnits(value: unknown, field: string): Parsed<number> {
  return parseInteger(value, field, { min: 0 });
}

/**
 * The dearest unit price anyone may state, in minor units: a GPU-hour's bid or reserve, an MWh's
 * floor or heat price (1,000,000.00 of a two-decimal currency). With at most 10,000 GPUs and
 * 8,784 hours, an order's whole value `gpus × hours × price` stays under 8.8e15 < 2^53, so every
 * product the engine forms from one order (welfare = gpus × (bid − reserve)) is exact in a
 * double; Wh × price per MWh (up to 1e18) is computed in bigint where it arises.
 */
export const MAX_UNIT_PRICE = 100_000_000;

/** A unit price in minor units: a non-negative integer up to MAX_UNIT_PRICE. */
export function parseUnitPrice(value: unknown, field: string): Parsed<number> {
  return parseInteger(value, field, { min: 0, max: MAX_UNIT_PRICE });
}

/** "12.34" EUR → 1234; "12.345" EUR is rejected (a EUR amount has 2 decimals). */
export function majorToMinor(
  value: unknown,
  currency: CurrencyCode,
  field: string,
): Parsed<number> {
  return parseScaledDecimal(value, field, minorUnitExponent(currency));
}

/** 1234 EUR → "12.34"; -30 EUR → "-0.30"; 5 JPY → "5": every minor place, sign first. */
export function formatMinor(minor: number, currency: CurrencyCode): string {
  return formatScaledDecimal(minor, minorUnitExponent(currency), { allPlaces: true });
}

/** An amount as statements show it: -30 EUR → "-0.30 EUR". */
export function formatMoney(minor: number, currency: CurrencyCode): string {
  return `${formatMinor(minor, currency)} ${currency}`;
}
