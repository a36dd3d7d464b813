/** Jurisdictions a buyer may require: a country, or a bloc of countries (EU, EEA, GCC, US). */
import { CountryCode, isCountryCode } from './countries';
import { fail, ok, Parsed } from './validation';

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
