import {
  EnergySource,
  isCarbonFree,
  StatementEnergy,
  UNCERTIFIED_G_PER_KWH,
} from '@policloud/domain';
import { periodOfSlot } from './settlement.validation';

/** A certificate in force, as far as a footprint reads it. */
export interface CertifiedEnergy {
  wh: number;
  energySource: EnergySource;
  emissionFactorGPerKwh: number;
}

/**
 * A buyer's month of compute in energy terms, beside its statements (the domain's
 * StatementEnergy): how much of the metered energy was carbon-free (CFE share) and the emissions
 * per GPU-hour. Certified Wh carry their offer's factor; metered Wh no certificate covers carry
 * UNCERTIFIED_G_PER_KWH. Wh × g/kWh is exactly mg: integers throughout, rounded once at the end
 * (CFE share down, never overstated; grams half up).
 */
export type EnergyFootprint = StatementEnergy;

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

/** What the energy figures of one period's buyer statements read, as of the close. */
export interface StatementEnergyInput {
  /** `YYYY-MM`: allocations and certificates whose slot lies in it count. */
  period: string;
  allocations: readonly { allocationId: string; buyerId: string; slot: string }[];
  /** Usage reports and amendments in log order: an allocation's last one counts, as settled. */
  usage: readonly { allocationId: string; gpuHoursDelivered: number; whConsumed: number }[];
  /** Certificates with their status at the close: only those in force (issued or claimed) count. */
  certificates: readonly (CertifiedEnergy & {
    beneficiaryId: string;
    slot: string;
    status: string;
  })[];
}

/** Each buyer's footprint over the period: every buyer with metered usage or a certificate in it. */
export function statementEnergyByBuyer(input: StatementEnergyInput): Map<string, EnergyFootprint> {
  const inPeriod = (slot: string) => periodOfSlot(slot) === input.period;
  const latest = new Map<string, { gpuHoursDelivered: number; whConsumed: number }>();
  for (const usage of input.usage) latest.set(usage.allocationId, usage);
  const metered = new Map<string, { gpuHours: number; wh: number }>();
  for (const allocation of input.allocations) {
    const usage = latest.get(allocation.allocationId);
    if (!usage || !inPeriod(allocation.slot)) continue;
    const sum = metered.get(allocation.buyerId) ?? { gpuHours: 0, wh: 0 };
    metered.set(allocation.buyerId, {
      gpuHours: sum.gpuHours + usage.gpuHoursDelivered,
      wh: sum.wh + usage.whConsumed,
    });
  }
  const certified = new Map<string, CertifiedEnergy[]>();
  for (const certificate of input.certificates) {
    if (certificate.status === 'cancelled' || !inPeriod(certificate.slot)) continue;
    certified.set(certificate.beneficiaryId, [
      ...(certified.get(certificate.beneficiaryId) ?? []),
      certificate,
    ]);
  }
  const buyers = [...new Set([...metered.keys(), ...certified.keys()])].sort();
  return new Map(
    buyers.map((buyerId) => [
      buyerId,
      energyFootprint(metered.get(buyerId) ?? { gpuHours: 0, wh: 0 }, certified.get(buyerId) ?? []),
    ]),
  );
}
