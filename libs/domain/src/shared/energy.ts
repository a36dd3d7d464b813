/** Energy and power: integer Wh per slot, carbon intensity, power per GPU and PUE. */
import { parseScaledDecimal, parseThousandths, Thousandths } from './decimals';
import { parseInteger, Parsed } from './validation';

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
