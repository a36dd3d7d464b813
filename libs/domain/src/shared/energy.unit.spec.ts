import { Thousandths } from './decimals';
import { energyPerGpuHourWh, kwhToWh, parseGpuPowerKw, parsePue } from './energy';
import { message, value } from './parsed-value.fixture';

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
