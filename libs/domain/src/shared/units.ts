/**
 * The one module for money, energy, time and place. Everything settled is an integer: Wh,
 * minor units of an ISO 4217 currency, basis points, whole UTC hour slots. Decimal inputs
 * (kWh, kW, PUE, major currency amounts) are parsed from their decimal text, never through
 * floating-point arithmetic, and rejected when more precise than the unit can hold.
 */
import { COUNTRY_CODES, CountryCode } from './iso-3166';
import { CURRENCY_CODES, CURRENCY_EXPONENTS, CurrencyCode } from './iso-4217';
import {
  fail,
  isPlainObject,
  ok,
  parseInteger,
  parseNumber,
  Parsed,
  unknownKeys,
} from './validation';

export { COUNTRY_CODES, CURRENCY_CODES, CURRENCY_EXPONENTS };
export type { CountryCode, CurrencyCode };

// ---------------------------------------------------------------- time

const HOUR_MS = 3_600_000;

/** Longest span (profile, order window, maintenance window) the domain accepts: a leap year. */
export const MAX_HORIZON_HOURS = 24 * 366;

/** A slot as stored: the start of a whole UTC hour, `2026-03-01T10:00:00Z`. */
export const SLOT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/;

const ISO_UTC =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})?$/;

type Timestamp = { ms: number; minute: number; second: number; fraction: number };

function parseUtc(value: unknown, field: string): Parsed<Timestamp> {
  const match = typeof value === 'string' ? ISO_UTC.exec(value) : null;
  if (!match) return fail(field, 'must be an ISO 8601 UTC date-time, e.g. 2026-03-01T10:00:00Z');
  const [, year, month, day, hour, minute, second, fraction = '0', zone] = match;
  if (zone !== 'Z') return fail(field, 'must be in UTC (end with Z)');
  const ms = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, +fraction.padEnd(3, '0'));
  const date = new Date(ms);
  // Date.UTC silently rolls 2026-02-30 over to March: a round trip catches it.
  if (
    +year < 1970 ||
    date.getUTCFullYear() !== +year ||
    date.getUTCMonth() !== +month - 1 ||
    date.getUTCDate() !== +day ||
    date.getUTCHours() !== +hour ||
    +minute > 59 ||
    +second > 59
  ) {
    return fail(field, 'is not a valid date-time');
  }
  return ok({ ms, minute: +minute, second: +second, fraction: +fraction });
}

/** A whole UTC hour; returned in the stored form `YYYY-MM-DDTHH:00:00Z`. */
export function parseSlot(value: unknown, field: string): Parsed<string> {
  const parsed = parseUtc(value, field);
  if (!parsed.ok) return parsed;
  const { ms, minute, second, fraction } = parsed.value;
  if (minute !== 0 || second !== 0 || fraction !== 0) {
    return fail(field, 'must be a whole hour (HH:00:00Z)');
  }
  return ok(slotAt(ms / HOUR_MS));
}

/** A UTC instant; returned in the stored form `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function parseInstant(value: unknown, field: string): Parsed<string> {
  const parsed = parseUtc(value, field);
  return parsed.ok ? ok(new Date(parsed.value.ms).toISOString()) : parsed;
}

/** Hours since the Unix epoch: slots compare and subtract as integers. */
export function slotHour(slot: string): number {
  return Date.parse(slot) / HOUR_MS;
}

export function slotAt(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().replace('.000Z', 'Z');
}

export function addHours(slot: string, hours: number): string {
  return slotAt(slotHour(slot) + hours);
}

/** The slot an instant falls in. */
export function slotOf(instant: string): string {
  return slotAt(Math.floor(Date.parse(instant) / HOUR_MS));
}

/** True once the slot's hour has begun at `instant`. */
export function slotHasStarted(slot: string, instant: string): boolean {
  return Date.parse(slot) <= Date.parse(instant);
}

// ---------------------------------------------------------------- decimals

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

// ---------------------------------------------------------------- energy

/** Upper bound for Wh in one slot of one offer (10 GWh: beyond any single plant). */
export const MAX_WH_PER_SLOT = 10_000_000_000;

/** Carbon intensity bound, above the dirtiest generation (lignite, ~1,100 gCO2e/kWh). */
export const MAX_CARBON_G_PER_KWH = 2_000;

/** A carbon intensity in gCO2e/kWh: an integer from 0 to MAX_CARBON_G_PER_KWH. */
export function parseCarbonIntensity(value: unknown, field: string): Parsed<number> {
  return parseInteger(value, field, { min: 0, max: MAX_CARBON_G_PER_KWH });
}

export function parseWh(value: unknown, field: string, min = 0): Parsed<number> {
  return parseInteger(value, field, { min, max: MAX_WH_PER_SLOT });
}

/** kWh as the API may send it (decimal) → integer Wh; more precise than 1 Wh is rejected. */
export function kwhToWh(value: unknown, field: string): Parsed<number> {
  return parseScaledDecimal(value, field, 3);
}

/** A decimal with at most three places, kept both as canonical text and in thousandths. */
export interface Thousandths {
  /** Canonical decimal text, as stored in events: "0.7", "1.125". */
  text: string;
  /** The same value × 1000, an integer. */
  thousandths: number;
}

function parseThousandths(
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

/** Power per GPU, server share included: 0.001 to 10 kW, to the watt. */
export function parseGpuPowerKw(value: unknown, field: string): Parsed<Thousandths> {
  return parseThousandths(value, field, 1, 10_000);
}

/** Power usage effectiveness: 1.000 to 3.000. */
export function parsePue(value: unknown, field: string): Parsed<Thousandths> {
  return parseThousandths(value, field, 1_000, 3_000);
}

/**
 * Energy per GPU-hour `e = gpuPowerKw × pue`, in whole Wh: W × (pue × 1000) / 1000, rounded up.
 * Rounding up keeps capacity `floor(Wh / e)` from overstating what the energy can run and the
 * reserve price from undercounting energy; it costs at most 1 Wh per GPU-hour.
 */
export function energyPerGpuHourWh(gpuPowerKw: Thousandths, pue: Thousandths): number {
  const milliWh = gpuPowerKw.thousandths * pue.thousandths; // W × pue·1000 = mWh per hour
  return Math.ceil(milliWh / 1000);
}

// ---------------------------------------------------------------- money

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

export const BPS_WHOLE = 10_000;

export function parseBps(value: unknown, field: string): Parsed<number> {
  return parseInteger(value, field, { min: 0, max: BPS_WHOLE });
}

/**
 * Reserve price of one GPU-hour (DESIGN §2): `max(site reserve, e (kWh) × energy floor price
 * per kWh / (1 − platform fee))`, all in minor units of one currency. The energy part is
 * rounded up, so a clearing price at the reserve always covers the energy floor after the fee.
 */
export function reservePricePerGpuHour(input: {
  siteReservePerGpuHour: number;
  energyPerGpuHourWh: number;
  energyFloorPricePerMwh: number;
  platformFeeBps: number;
}): number {
  const { siteReservePerGpuHour, energyPerGpuHourWh, energyFloorPricePerMwh, platformFeeBps } =
    input;
  if (!Number.isSafeInteger(platformFeeBps) || platformFeeBps < 0 || platformFeeBps >= BPS_WHOLE) {
    throw new RangeError(`platformFeeBps must be an integer from 0 to ${BPS_WHOLE - 1}`);
  }
  // Wh × (minor/MWh) / 1e6 Wh per MWh / ((10000 − fee) / 10000), as one integer ceiling.
  const numerator = BigInt(energyPerGpuHourWh) * BigInt(energyFloorPricePerMwh) * BigInt(BPS_WHOLE);
  const denominator = 1_000_000n * BigInt(BPS_WHOLE - platformFeeBps);
  const energyReserve = Number((numerator + denominator - 1n) / denominator);
  return Math.max(siteReservePerGpuHour, energyReserve);
}

// ---------------------------------------------------------------- place and jurisdiction

const COUNTRY_SET: ReadonlySet<string> = new Set(COUNTRY_CODES);

export function isCountryCode(value: unknown): value is CountryCode {
  return typeof value === 'string' && COUNTRY_SET.has(value);
}

export function parseCountry(value: unknown, field: string): Parsed<CountryCode> {
  return isCountryCode(value)
    ? ok(value)
    : fail(field, 'must be an ISO 3166-1 alpha-2 country code (e.g. FR)');
}

// prettier-ignore
export const EU_MEMBER_STATES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
] as const satisfies readonly CountryCode[];

/**
 * Parts of member states that ISO 3166 codes separately but where EU law applies: Åland and
 * the French outermost regions. A site on Réunion (RE) is in the EU.
 */
export const EU_TERRITORIES_WITH_OWN_CODES = [
  'AX',
  'GF',
  'GP',
  'MF',
  'MQ',
  'RE',
  'YT',
] as const satisfies readonly CountryCode[];

export const JURISDICTION_BLOCS = {
  EU: [...EU_MEMBER_STATES, ...EU_TERRITORIES_WITH_OWN_CODES],
  EEA: [...EU_MEMBER_STATES, ...EU_TERRITORIES_WITH_OWN_CODES, 'IS', 'LI', 'NO'],
  GCC: ['AE', 'BH', 'KW', 'OM', 'QA', 'SA'],
  // US territories (PR, GU, VI, ...) have their own codes and must be listed explicitly.
  US: ['US'],
} as const satisfies Record<string, readonly CountryCode[]>;

export type JurisdictionBloc = keyof typeof JURISDICTION_BLOCS;
export const JURISDICTION_BLOC_NAMES = Object.keys(JURISDICTION_BLOCS) as JurisdictionBloc[];

/** A country code or a bloc name; `US` is both and means the same country. */
export type Jurisdiction = CountryCode | JurisdictionBloc;

export function parseJurisdiction(value: unknown, field: string): Parsed<Jurisdiction> {
  if (
    isCountryCode(value) ||
    (typeof value === 'string' && Object.hasOwn(JURISDICTION_BLOCS, value))
  ) {
    return ok(value as Jurisdiction);
  }
  return fail(
    field,
    `must be an ISO 3166-1 alpha-2 country code or one of ${JURISDICTION_BLOC_NAMES.join(', ')}`,
  );
}

export function countriesOf(jurisdiction: Jurisdiction): readonly CountryCode[] {
  return Object.hasOwn(JURISDICTION_BLOCS, jurisdiction)
    ? JURISDICTION_BLOCS[jurisdiction as JurisdictionBloc]
    : [jurisdiction as CountryCode];
}

export function isWithinJurisdictions(
  country: CountryCode,
  allowed: readonly Jurisdiction[],
): boolean {
  return allowed.some((jurisdiction) => countriesOf(jurisdiction).includes(country));
}

/** `sovereignOperator`: the operator's legal jurisdiction is inside the EU. */
export function isEuJurisdiction(country: CountryCode): boolean {
  return isWithinJurisdictions(country, ['EU']);
}

export interface GeoPoint {
  lat: number;
  lon: number;
}

export function parseGeoPoint(value: unknown, field: string): Parsed<GeoPoint> {
  if (!isPlainObject(value)) return fail(field, 'must be an object with lat and lon');
  const extra = unknownKeys(value, field, ['lat', 'lon']);
  const lat = parseNumber(value.lat, `${field}.lat`, { min: -90, max: 90 });
  const lon = parseNumber(value.lon, `${field}.lon`, { min: -180, max: 180 });
  const errors = [...extra, ...(lat.ok ? [] : lat.errors), ...(lon.ok ? [] : lon.errors)];
  return lat.ok && lon.ok && errors.length === 0
    ? ok({ lat: lat.value, lon: lon.value })
    : { ok: false, errors };
}

/** Great-circle distance (haversine, mean Earth radius 6371 km); constraints, not settlement. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
