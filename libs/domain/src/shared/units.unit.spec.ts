import {
  addHours,
  COUNTRY_CODES,
  CURRENCY_CODES,
  distanceKm,
  energyPerGpuHourWh,
  EU_MEMBER_STATES,
  formatMinor,
  formatMoney,
  formatScaledDecimal,
  isEuJurisdiction,
  isWithinJurisdictions,
  JURISDICTION_BLOCS,
  kwhToWh,
  majorToMinor,
  minorUnitExponent,
  parseCountry,
  parseCurrency,
  parseGpuPowerKw,
  parseInstant,
  parseJurisdiction,
  parsePue,
  parseSlot,
  reservePricePerGpuHour,
  slotHour,
  slotOf,
  Thousandths,
} from './units';
import { Parsed } from './validation';

const value = <T>(parsed: Parsed<T>): T => {
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};
const message = (parsed: Parsed<unknown>): string | undefined =>
  parsed.ok ? undefined : parsed.errors[0].message;

describe('slots', () => {
  it('are whole UTC hours, stored as YYYY-MM-DDTHH:00:00Z', () => {
    expect(value(parseSlot('2026-03-01T10:00:00Z', 'slot'))).toBe('2026-03-01T10:00:00Z');
    expect(value(parseSlot('2026-03-01T10:00:00.000Z', 'slot'))).toBe('2026-03-01T10:00:00Z');
    expect(value(parseSlot('2028-02-29T23:00:00Z', 'slot'))).toBe('2028-02-29T23:00:00Z');
  });

  it('reject other time zones, even at the same instant', () => {
    expect(message(parseSlot('2026-03-01T11:00:00+01:00', 'slot'))).toMatch(/UTC/);
    expect(message(parseSlot('2026-03-01T10:00:00', 'slot'))).toMatch(/UTC/);
  });

  it('reject times inside an hour', () => {
    for (const slot of [
      '2026-03-01T10:30:00Z',
      '2026-03-01T10:00:01Z',
      '2026-03-01T10:00:00.001Z',
    ]) {
      expect(message(parseSlot(slot, 'slot'))).toMatch(/whole hour/);
    }
  });

  it('reject dates that do not exist and values that are not dates', () => {
    for (const slot of [
      '2026-02-29T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-03-01T24:00:00Z',
      '1969-12-31T23:00:00Z',
    ]) {
      expect(message(parseSlot(slot, 'slot'))).toMatch(/not a valid/);
    }
    for (const slot of ['2026-03-01', 1_772_359_200_000, null, '2026-03-01 10:00:00Z']) {
      expect(parseSlot(slot, 'slot').ok).toBe(false);
    }
  });

  it('name the field in their errors', () =>
    expect(parseSlot('nope', 'profile[3].slot')).toEqual({
      ok: false,
      errors: [{ field: 'profile[3].slot', message: expect.any(String) }],
    }));

  it('compare and add as integer hours', () => {
    expect(slotHour('2026-03-01T10:00:00Z') - slotHour('2026-02-28T22:00:00Z')).toBe(12);
    expect(addHours('2026-02-28T23:00:00Z', 1)).toBe('2026-03-01T00:00:00Z');
    expect(slotOf('2026-03-01T10:59:59.999Z')).toBe('2026-03-01T10:00:00Z');
  });

  it('come with instants stored to the millisecond in UTC', () => {
    expect(value(parseInstant('2026-03-01T10:15:30Z', 'at'))).toBe('2026-03-01T10:15:30.000Z');
    expect(parseInstant('2026-03-01T10:15:30+02:00', 'at').ok).toBe(false);
  });
});

describe('energy', () => {
  it('turns decimal kWh into whole Wh', () => {
    expect(value(kwhToWh('1.5', 'kwh'))).toBe(1_500);
    expect(value(kwhToWh(0.001, 'kwh'))).toBe(1);
    expect(value(kwhToWh('1.2500', 'kwh'))).toBe(1_250);
    expect(value(kwhToWh(12, 'kwh'))).toBe(12_000);
  });

  it('rejects kWh more precise than a Wh instead of rounding', () => {
    expect(message(kwhToWh('0.0005', 'kwh'))).toMatch(/3 decimal places/);
    expect(kwhToWh(0.1 + 0.2, 'kwh').ok).toBe(false);
  });

  it('rejects negative, exponent and non-numeric kWh', () => {
    for (const kwh of [-1, '1e3', 'ten', Number.NaN, Infinity, ''])
      expect(kwhToWh(kwh, 'kwh').ok).toBe(false);
  });

  const e = (kw: number | string, pue: number | string) =>
    energyPerGpuHourWh(
      value(parseGpuPowerKw(kw, 'kw')) as Thousandths,
      value(parsePue(pue, 'pue')) as Thousandths,
    );

  it('computes e = gpuPowerKw × pue in whole Wh, rounding a fraction of a Wh up', () => {
    expect(e(0.7, 1.125)).toBe(788); // 787.5 Wh
    expect(e(1, 1)).toBe(1_000);
    expect(e('0.35', '1.3')).toBe(455);
  });

  it('computes e without floating-point drift', () => {
    expect(Math.ceil(0.9 * 1.1 * 1000)).toBe(991); // what floats would give
    expect(e(0.9, 1.1)).toBe(990);
  });

  it('bounds GPU power to the watt and PUE between 1 and 3', () => {
    expect(parseGpuPowerKw(0.7001, 'kw').ok).toBe(false);
    expect(parseGpuPowerKw(0, 'kw').ok).toBe(false);
    expect(parsePue(0.999, 'pue').ok).toBe(false);
    expect(parsePue(3.001, 'pue').ok).toBe(false);
    expect(value(parsePue('1.10', 'pue')).text).toBe('1.1');
  });
});

describe('money', () => {
  it('knows the minor-unit exponent of each currency', () => {
    expect(minorUnitExponent('EUR')).toBe(2);
    expect(minorUnitExponent('JPY')).toBe(0);
    expect(minorUnitExponent('KWD')).toBe(3);
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('accepts only listed ISO 4217 codes, upper case', () => {
    for (const code of [
      'EUR',
      'USD',
      'AED',
      'CHF',
      'GBP',
      'SEK',
      'NOK',
      'DKK',
      'PLN',
      'CZK',
      'SAR',
      'QAR',
    ]) {
      expect(parseCurrency(code, 'currency').ok).toBe(true);
    }
    for (const code of ['eur', 'EURO', 'XXX', 'toString'])
      expect(parseCurrency(code, 'currency').ok).toBe(false);
  });

  it('converts major amounts to minor units without rounding', () => {
    expect(value(majorToMinor('12.34', 'EUR', 'price'))).toBe(1_234);
    expect(value(majorToMinor('1.234', 'KWD', 'price'))).toBe(1_234);
    expect(value(majorToMinor(500, 'JPY', 'price'))).toBe(500);
    expect(majorToMinor('12.345', 'EUR', 'price').ok).toBe(false);
    expect(majorToMinor('1.5', 'JPY', 'price').ok).toBe(false);
    expect(formatMinor(1_234, 'EUR')).toBe('12.34');
    expect(formatMinor(5, 'EUR')).toBe('0.05');
    expect(formatMinor(5, 'JPY')).toBe('5');
  });

  it('formats money with its sign before the leading zero and every minor place', () => {
    expect(formatMinor(-30, 'EUR')).toBe('-0.30');
    expect(formatMinor(-5, 'EUR')).toBe('-0.05');
    expect(formatMinor(1_200, 'EUR')).toBe('12.00');
    expect(formatMinor(-1_234, 'KWD')).toBe('-1.234');
    expect(formatMinor(-5, 'JPY')).toBe('-5');
    expect(formatMoney(-30, 'EUR')).toBe('-0.30 EUR');
    expect(formatScaledDecimal(-30, 2)).toBe('-0.3');
    expect(formatScaledDecimal(-1_125, 3)).toBe('-1.125');
  });

  describe('reserve price per GPU-hour', () => {
    const reserve = (
      siteReservePerGpuHour: number,
      energyPerGpuHourWh: number,
      energyFloorPricePerMwh: number,
      platformFeeBps = 1_000,
    ) =>
      reservePricePerGpuHour({
        siteReservePerGpuHour,
        energyPerGpuHourWh,
        energyFloorPricePerMwh,
        platformFeeBps,
      });

    it("is the site's reserve when that covers the energy", () =>
      expect(reserve(150, 788, 4_000)).toBe(150));

    it('covers e × floor price / (1 − fee), rounded up to a minor unit', () => {
      expect(reserve(0, 788, 4_000)).toBe(4); // 788 Wh × 40.00 EUR/MWh = 3.152 cents, / 0.9 = 3.50 → 4
      expect(reserve(0, 1_000, 90_000)).toBe(100); // exactly 90 / 0.9
      expect(reserve(0, 1_000, 90_000, 0)).toBe(90);
    });

    it('refuses a fee of 100 % or more', () =>
      expect(() => reserve(0, 1, 1, 10_000)).toThrow(RangeError));
  });
});

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

  it('measures great-circle distances in km', () =>
    expect(Math.round(distanceKm({ lat: 48.8566, lon: 2.3522 }, { lat: 52.52, lon: 13.405 }))).toBe(
      877,
    ));
});
