/** Countries: ISO 3166-1 alpha-2 codes. */
import { COUNTRY_CODES, CountryCode } from './iso-3166';
import { fail, ok, Parsed } from './validation';

export { COUNTRY_CODES };
export type { CountryCode };

const COUNTRY_SET: ReadonlySet<string> = new Set(COUNTRY_CODES);

export function isCountryCode(value: unknown): value is CountryCode {
  return typeof value === 'string' && COUNTRY_SET.has(value);
}

export function parseCountry(value: unknown, field: string): Parsed<CountryCode> {
  return isCountryCode(value)
    ? ok(value)
    : fail(field, 'must be an ISO 3166-1 alpha-2 country code (e.g. FR)');
}
