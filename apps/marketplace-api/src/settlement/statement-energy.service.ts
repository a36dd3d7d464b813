import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { EnergySource } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { EnergyCertificateRow, RunningChargeRow } from '@policloud/projections';
import { energyFootprint, EnergyFootprint } from '@policloud/settlement';

/**
 * The energy side of buyers' statements: per buyer and month, the CFE share of the metered Wh
 * and the gCO2e per GPU-hour, from the metered usage and the certificates in force. Unlike the
 * money, these follow the certificates as they stand (an amendment after the close shows here).
 */
@Injectable()
export class StatementEnergyService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  async footprints(period: string, buyerIds: string[]): Promise<Map<string, EnergyFootprint>> {
    const footprints = new Map<string, EnergyFootprint>();
    if (buyerIds.length === 0) return footprints;
    const usage = await this.readModels
      .getRepository(RunningChargeRow)
      .findBy({ period, buyerId: In(buyerIds) });
    const certificates = await this.readModels
      .getRepository(EnergyCertificateRow)
      .createQueryBuilder('c')
      .where('c.beneficiary_id IN (:...buyerIds)', { buyerIds })
      .andWhere('c.slot LIKE :month', { month: `${period}-%` })
      .andWhere("c.status IN ('issued', 'claimed')")
      .getMany();
    for (const buyerId of buyerIds) {
      const metered = usage
        .filter((row) => row.buyerId === buyerId)
        .reduce(
          (sum, row) => ({
            gpuHours: sum.gpuHours + row.gpuHoursDelivered,
            wh: sum.wh + row.whConsumed,
          }),
          { gpuHours: 0, wh: 0 },
        );
      const certified = certificates
        .filter((row) => row.beneficiaryId === buyerId)
        .map((row) => ({
          wh: row.wh,
          energySource: row.data.energySource as EnergySource,
          emissionFactorGPerKwh: row.data.emissionFactorGPerKwh,
        }));
      footprints.set(buyerId, energyFootprint(metered, certified));
    }
    return footprints;
  }
}
