import { Injectable } from '@nestjs/common';
import {
  AllocationMade,
  AllocationUsageCommand,
  allocationUsageDecider,
  allocationUsageStreamId,
  biddingZoneOf,
  CertifyUsage,
  deliverableWh,
  energyCertificateDecider,
  energyCertificateStreamId,
  energyOfferDecider,
  energyOfferStreamId,
  splitMeteredWh,
} from '@policloud/domain';
import { CommandHandler, StreamCommands } from '@policloud/runtime';

/** What a usage command appends alongside its usage event, and the usage revision it expects. */
export interface CertificationPlan {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  alongside: StreamCommands<any, any, any>[];
  /** The usage stream's revision the plan was made on: the usage event lands right after it. */
  usageRevision: number;
}

/**
 * Certificates are issued with the usage they certify, in the same commit: one CertifyUsage per
 * offer the allocation ran on, each decided on its offer-hour stream against what the offer can
 * deliver in the hour. An amendment re-certifies (cancel, then replace) in the same way.
 */
@Injectable()
export class CertificateIssuanceService {
  constructor(private readonly commands: CommandHandler) {}

  async plan(
    allocation: AllocationMade['data'],
    command: AllocationUsageCommand,
  ): Promise<CertificationPlan> {
    const usage = await this.commands.load(
      allocationUsageStreamId(allocation.allocationId),
      allocationUsageDecider,
    );
    const usageRevision = usage.revision + 1;
    const recordedAt =
      command.type === 'ReportUsage' ? command.data.reportedAt : command.data.amendedAt;
    const shares = splitMeteredWh(allocation.energy, command.data.whConsumed);
    const alongside = await Promise.all(
      shares.map(async ({ offerId, wh }) => {
        const offer = await this.commands.load(energyOfferStreamId(offerId), energyOfferDecider);
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
              usageRevision,
            },
            recordedAt,
          },
        };
        return {
          streamId: energyCertificateStreamId(offerId, allocation.slot),
          aggregate: energyCertificateDecider,
          commands: certify,
          context: {
            deliverableWh:
              offer.state.status === 'absent' ? 0 : deliverableWh(offer.state, allocation.slot),
          },
        };
      }),
    );
    return { alongside, usageRevision: usage.revision };
  }
}
