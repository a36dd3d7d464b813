import { reservePricePerGpuHour } from './reserve-price';

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
