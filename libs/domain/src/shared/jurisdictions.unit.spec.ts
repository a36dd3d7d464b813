import { COUNTRY_CODES, parseCountry } from './countries';
import {
  EU_MEMBER_STATES,
  isEuJurisdiction,
  isWithinJurisdictions,
  JURISDICTION_BLOCS,
  parseJurisdiction,
} from './jurisdictions';

describe('countries and jurisdictions', () => {
  it('lists every officially assigned ISO 3166-1 alpha-2 code once', () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect(parseCountry('GR', 'country').ok).toBe(true);
    for (const code of ['EL', 'UK', 'XK', 'EU', 'fr'])
      expect(parseCountry(code, 'country').ok).toBe(false);
  });

  it('has the 27 EU member states in the EU bloc, with their territories that have own codes', () => {
    expect(EU_MEMBER_STATES).toHaveLength(27);
    expect(isWithinJurisdictions('RE', ['EU'])).toBe(true);
    expect(isWithinJurisdictions('GB', ['EU'])).toBe(false);
  });

  it('has the EEA as the EU plus Iceland, Liechtenstein and Norway', () => {
    expect(JURISDICTION_BLOCS.EEA).toEqual(
      expect.arrayContaining([...JURISDICTION_BLOCS.EU, 'IS', 'LI', 'NO']),
    );
    expect(JURISDICTION_BLOCS.EEA).toHaveLength(JURISDICTION_BLOCS.EU.length + 3);
    expect(isWithinJurisdictions('NO', ['EU'])).toBe(false);
    expect(isWithinJurisdictions('NO', ['EEA'])).toBe(true);
    expect(isWithinJurisdictions('CH', ['EEA'])).toBe(false);
  });

  it('has the six GCC states and the US', () => {
    expect([...JURISDICTION_BLOCS.GCC].sort()).toEqual(['AE', 'BH', 'KW', 'OM', 'QA', 'SA']);
    expect(isWithinJurisdictions('US', ['US'])).toBe(true);
    expect(isWithinJurisdictions('PR', ['US'])).toBe(false);
  });

  it('accepts country codes and bloc names as jurisdictions', () => {
    for (const code of ['EU', 'EEA', 'GCC', 'US', 'CH'])
      expect(parseJurisdiction(code, 'j').ok).toBe(true);
    for (const code of ['ASEAN', 'eu', 'constructor'])
      expect(parseJurisdiction(code, 'j').ok).toBe(false);
  });

  it('calls an operator sovereign when its jurisdiction is in the EU', () => {
    expect(isEuJurisdiction('FR')).toBe(true);
    expect(isEuJurisdiction('US')).toBe(false);
  });
});
