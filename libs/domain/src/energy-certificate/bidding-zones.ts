import { CountryCode } from '../shared/countries';

/**
 * ENTSO-E bidding zones of the countries that have exactly one (Germany and Luxembourg share
 * one). Denmark, Italy, Norway and Sweden have several, chosen by location; a site there (and any
 * country outside this list) is labelled with its country code until sites record their zone.
 */
const SINGLE_ZONE: Readonly<Record<string, string>> = {
  AT: 'AT',
  BE: 'BE',
  BG: 'BG',
  CH: 'CH',
  CZ: 'CZ',
  DE: 'DE-LU',
  LU: 'DE-LU',
  EE: 'EE',
  ES: 'ES',
  FI: 'FI',
  FR: 'FR',
  GB: 'GB',
  GR: 'GR',
  HR: 'HR',
  HU: 'HU',
  IE: 'IE-SEM',
  LT: 'LT',
  LV: 'LV',
  NL: 'NL',
  PL: 'PL',
  PT: 'PT',
  RO: 'RO',
  RS: 'RS',
  SI: 'SI',
  SK: 'SK',
};

export function biddingZoneOf(country: CountryCode): string {
  return SINGLE_ZONE[country] ?? country;
}
