import { BPS_WHOLE } from './bps';

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
