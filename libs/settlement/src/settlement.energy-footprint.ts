import { EnergySource, isCarbonFree, UNCERTIFIED_G_PER_KWH } from '@policloud/domain';

/** A certificate in force, as far as a footprint reads it. */
export interface CertifiedEnergy {
  wh: number;
  energySource: EnergySource;
  emissionFactorGPerKwh: number;
}

/**
 * A buyer's month of compute in energy terms, beside its statements: how much of the metered
 * energy was carbon-free (CFE share) and the emissions per GPU-hour. Integers and exact decimals
 * only, like the money.
 */
export interface EnergyFootprint {
  gpuHours: number;
  meteredWh: number;
  /** Wh covered by certificates in force; the rest came from the grid. */
  certifiedWh: number;
  /** Certified Wh of carbon-free sources (wind, solar, hydro). */
  cfeWh: number;
  /** cfeWh / meteredWh in basis points, rounded down: never overstated. 0 when nothing was metered. */
  cfeShareBps: number;
  /**
   * Σ certified Wh × its factor + uncertified Wh × UNCERTIFIED_G_PER_KWH, in grams rounded half
   * up (Wh × g/kWh is exactly milligrams).
   */
  co2eGrams: number;
  /** co2e / gpuHours in grams to the milligram, half up ("631.512"); null without GPU-hours. */
  gCo2ePerGpuHour: string | null;
}

/** Rounds n / d (n ≥ 0, d > 0) half up. */
const divideHalfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);

export function energyFootprint(
  metered: { gpuHours: number; wh: number },
  certificates: readonly CertifiedEnergy[],
): EnergyFootprint {
  let certifiedWh = 0;
  let cfeWh = 0;
  let co2eMg = 0n;
  for (const certificate of certificates) {
    certifiedWh += certificate.wh;
    if (isCarbonFree(certificate.energySource)) cfeWh += certificate.wh;
    co2eMg += BigInt(certificate.wh) * BigInt(certificate.emissionFactorGPerKwh);
  }
  // Certificates never cover more than was metered; a late amendment may lower the metered Wh
  // before the certificates are replaced, so the shares are bounded by the metered Wh.
  const meteredWh = Math.max(metered.wh, 0);
  co2eMg += BigInt(Math.max(0, meteredWh - certifiedWh)) * BigInt(UNCERTIFIED_G_PER_KWH);
  const cfeShareBps =
    meteredWh === 0
      ? 0
      : Number((BigInt(Math.min(cfeWh, meteredWh)) * 10_000n) / BigInt(meteredWh));
  const perGpuHourMg =
    metered.gpuHours > 0 ? divideHalfUp(co2eMg, BigInt(metered.gpuHours)) : undefined;
  return {
    gpuHours: metered.gpuHours,
    meteredWh,
    certifiedWh,
    cfeWh,
    cfeShareBps,
    co2eGrams: Number(divideHalfUp(co2eMg, 1000n)),
    gCo2ePerGpuHour:
      perGpuHourMg === undefined
        ? null
        : `${perGpuHourMg / 1000n}.${(perGpuHourMg % 1000n).toString().padStart(3, '0')}`,
  };
}
