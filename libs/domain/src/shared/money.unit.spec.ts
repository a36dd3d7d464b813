import { formatScaledDecimal } from './decimals';
import {
  CURRENCY_CODES,
  formatMinor,
  formatMoney,
  majorToMinor,
  minorUnitExponent,
  parseCurrency,
} from './money';
import { value } from './parsed-value.fixture';

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
});
