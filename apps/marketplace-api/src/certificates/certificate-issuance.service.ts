import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AllocationRecord,
  AllocationUsageCommand,
  allocationUsageDecider,
  allocationUsageStreamId,
  biddingZoneOf,
  CertifyUsage,
  energyCertificateDecider,
  energyCertificateStreamId,
  splitMeteredWh,
} from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { EnergyOfferSlotRow } from '@policloud/projections';
import { CommandHandler, StreamCommands } from '@policloud/runtime';

/** What a usage command appends alongside its usage event, and the usage revision it expects. */
export interface CertificationPlan {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  alongside: StreamCommands<any, any, any>[];
  /** The usage stream's revision the plan was made on: the usage event lands right after it. */
  readRevision: number;
}

/**
 * Certificates are issued with the usage they certify, in the same commit: one CertifyUsage per
 * offer the allocation ran on, each decided on its offer-hour stream against what the offer can
 * deliver in the hour. An amendment re-certifies (cancel, then replace) in the same way.
 */
@Injectable()
export class CertificateIssuanceService {
  constructor(
    private readonly commands: CommandHandler,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
  ) {}

  async plan(
    allocation: AllocationRecord,
    command: AllocationUsageCommand,
  ): Promise<CertificationPlan> {
    const usage = await this.commands.load(
      allocationUsageStreamId(allocation.allocationId),
      allocationUsageDecider,
    );
    // The report or amendment being decided: the event the certificates derive from.
    const usageEventRevision = usage.revision + 1;
    const recordedAt =
      command.type === 'ReportUsage' ? command.data.reportedAt : command.data.amendedAt;
    const shares = splitMeteredWh(allocation.energy, command.data.whConsumed);
    const alongside = await Promise.all(
      shares.map(async ({ offerId, wh }) => {
        // One row, like the allocation the usage service reads (an offer's stream holds a year
        // of slots and every allocation of them); the request waited for the read models.
        const slot = await this.readModels
          .getRepository(EnergyOfferSlotRow)
          .findOneBy({ offerId, slot: allocation.slot });
        const certify: CertifyUsage = {
          type: 'CertifyUsage',
          data: {
            allocation,
            offerId,
            meteredWh: wh,
            gpuHours: command.data.gpuHoursDelivered,
            biddingZone: biddingZoneOf(allocation.site.country),
            evidence: {
              runId: allocation.runId,
              allocationId: allocation.allocationId,
              usageStreamId: allocationUsageStreamId(allocation.allocationId),
              usageRevision: usageEventRevision,
            },
            recordedAt,
          },
        };
        return {
          streamId: energyCertificateStreamId(offerId, allocation.slot),
          aggregate: energyCertificateDecider,
          commands: certify,
          // What the producer could deliver in the hour: offered minus curtailed (deliverableWh).
          context: { deliverableWh: slot ? Math.max(0, slot.offeredWh - slot.curtailedWh) : 0 },
        };
      }),
    );
    return { alongside, readRevision: usage.revision };
  }
}
