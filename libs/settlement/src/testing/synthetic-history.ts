/**
 * A month of synthetic marketplace history, in memory and from a seed: sites with agreements,
 * producers' offers, `AllocationMade` data for every (site, slot), their usage (reports and a few
 * amendments, with event ids and global positions) and curtailments. For benchmarks: settlement's
 * (bench/settlement) and anyone else's that replays the same records (read models, projections);
 * `usageEventOf` rebuilds the domain event of a usage record.
 */
import type {
  AllocationRecord,
  AllocationSite,
  UsageAmended,
  UsageReported,
} from '@policloud/domain';
import { prng } from '@policloud/domain';
import {
  MeteredUsage,
  OfferSlotSupply,
  SettlementAllocation,
  SettlementSite,
} from '../settlement.types';

export interface SyntheticHistoryOptions {
  /** Usage records (reports + amendments) to generate; one allocation per report. */
  usageRecords: number;
  /** Month `YYYY-MM` the slots fall in (default 2026-03). */
  period?: string;
  sites?: number;
  seed?: number;
  /** Share of the records that are amendments, ‰ (default 20). */
  amendmentsPermille?: number;
  /** Share of (offer, slot) pairs curtailed below what was allocated, ‰ (default 20). */
  curtailedPermille?: number;
}

export type SyntheticAllocation = AllocationRecord & SettlementAllocation;

export interface SyntheticHistory {
  period: string;
  platformFeeBps: number;
  sites: SettlementSite[];
  allocations: SyntheticAllocation[];
  /** In log order: positions 1, 2, 3, ... */
  usage: MeteredUsage[];
  supplies: OfferSlotSupply[];
}

const SOURCES = ['wind', 'solar', 'hydro', 'biomass'] as const;

export function generateSyntheticHistory(options: SyntheticHistoryOptions): SyntheticHistory {
  const period = options.period ?? '2026-03';
  const siteCount = options.sites ?? 40;
  const random = prng(options.seed ?? 42);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const amendments = Math.floor(
    (options.usageRecords * (options.amendmentsPermille ?? 20)) / 1_000,
  );
  const allocationCount = options.usageRecords - amendments;

  const [year, month] = period.split('-').map(Number);
  const hours = (Date.UTC(year, month, 1) - Date.UTC(year, month - 1, 1)) / 3_600_000;
  const slots = Array.from({ length: hours }, (_, h) =>
    new Date(Date.UTC(year, month - 1, 1, h)).toISOString().replace('.000Z', 'Z'),
  );

  const sites: SettlementSite[] = [];
  const siteFacts: {
    siteId: string;
    e: number;
    reserve: number;
    facts: AllocationSite;
    offers: {
      offerId: string;
      producerId: string;
      floor: number;
      source: (typeof SOURCES)[number];
    }[];
  }[] = [];
  for (let s = 0; s < siteCount; s++) {
    const siteId = `site-${String(s).padStart(3, '0')}`;
    const host = `host-${s % 17}`;
    const producerCount = 1 + (s % 3);
    const offers = Array.from({ length: producerCount }, (_, k) => ({
      offerId: `offer-${s}-${k}`,
      producerId: `producer-${(s * 3 + k) % 50}`,
      floor: int(2_000, 9_000),
      source: SOURCES[(s + k) % SOURCES.length],
    }));
    sites.push({
      siteId,
      agreements: [
        {
          version: 1,
          effectiveFrom: '2026-01-01T00:00:00Z',
          hostParticipantId: host,
          producers: offers.map((offer) => ({ participantId: offer.producerId })),
          producersShareBps: 6_000,
          hostShareBps: 4_000,
          ...(s % 2 === 0 ? { heatPricePerMwh: 1_500 } : {}),
        },
        {
          version: 2,
          effectiveFrom: slots[Math.floor(hours / 2)],
          hostParticipantId: host,
          producers: offers.map((offer) => ({ participantId: offer.producerId })),
          producersShareBps: 5_500,
          hostShareBps: 4_500,
          ...(s % 2 === 0 ? { heatPricePerMwh: 1_800 } : {}),
        },
      ],
    });
    siteFacts.push({
      siteId,
      e: int(600, 1_400),
      reserve: int(150, 300),
      facts: {
        country: 'FR',
        operatorJurisdiction: 'FR',
        operatorLegalEntity: `Operator ${s}`,
        certifications: s % 4 === 0 ? ['SecNumCloud'] : [],
        hostParticipantId: host,
        gpuModel: 'H100',
      },
      offers,
    });
  }

  const allocations: SyntheticAllocation[] = new Array(allocationCount);
  const allocatedWh = new Map<string, number>();
  for (let i = 0; i < allocationCount; i++) {
    const site = siteFacts[i % siteCount];
    const slot = slots[Math.floor(i / siteCount) % hours];
    const gpus = int(1, 16);
    const needed = gpus * site.e;
    const drawTwo = site.offers.length > 1 && random() < 0.4;
    const first = site.offers[int(0, site.offers.length - 1)];
    const second = drawTwo
      ? site.offers[(site.offers.indexOf(first) + 1) % site.offers.length]
      : undefined;
    const firstWh = second ? Math.ceil(needed * 0.6) : needed + int(0, site.e);
    const energy = [
      {
        offerId: first.offerId,
        producerId: first.producerId,
        wh: firstWh,
        source: first.source,
        carbonGPerKwh: 12,
        floorPricePerMwh: first.floor,
      },
    ];
    if (second) {
      energy.push({
        offerId: second.offerId,
        producerId: second.producerId,
        wh: needed - firstWh + int(0, site.e),
        source: second.source,
        carbonGPerKwh: 12,
        floorPricePerMwh: second.floor,
      });
    }
    for (const draw of energy) {
      const key = `${draw.offerId}\u0000${slot}`;
      allocatedWh.set(key, (allocatedWh.get(key) ?? 0) + draw.wh);
    }
    const price = site.reserve + int(0, 200);
    allocations[i] = {
      runId: `run-${slot}`,
      allocationId: `alloc-${String(i).padStart(8, '0')}`,
      orderId: `order-${i % 20_000}`,
      buyerId: `buyer-${i % 500}`,
      siteId: site.siteId,
      slot,
      gpus,
      pricePerGpuHour: price,
      currency: 'EUR',
      energyPerGpuHourWh: site.e,
      reservePerGpuHour: site.reserve,
      energy,
      site: site.facts,
      platformFeeBps: 1_000, // the fee of the run that made it, as the projector passes it
    };
  }

  const usage: MeteredUsage[] = new Array(options.usageRecords);
  let position = 0;
  const figures = (allocation: SyntheticAllocation) => {
    const delivered = random() < 0.9 ? allocation.gpus : int(0, allocation.gpus);
    const declared = delivered * allocation.energyPerGpuHourWh;
    const metered =
      random() < 0.95
        ? declared - int(0, allocation.energyPerGpuHourWh >> 2)
        : declared + int(0, allocation.energyPerGpuHourWh);
    const whConsumed = Math.max(0, metered);
    return {
      gpuHoursDelivered: delivered,
      whConsumed,
      heatWhRecovered: Math.floor(whConsumed * 0.6),
    };
  };
  for (let i = 0; i < allocationCount; i++) {
    const allocation = allocations[i];
    usage[position] = {
      eventId: `usage-${i}`,
      position: position + 1,
      allocationId: allocation.allocationId,
      ...figures(allocation),
    };
    position++;
  }
  for (let k = 0; k < amendments; k++) {
    const allocation = allocations[int(0, allocationCount - 1)];
    usage[position] = {
      eventId: `usage-amendment-${k}`,
      position: position + 1,
      allocationId: allocation.allocationId,
      ...figures(allocation),
    };
    position++;
  }

  const supplies: OfferSlotSupply[] = [];
  const curtailed = options.curtailedPermille ?? 20;
  for (const [key, wh] of allocatedWh) {
    if (int(0, 999) >= curtailed) continue;
    const [offerId, slot] = key.split('\u0000');
    supplies.push({ offerId, slot, allocatedWh: wh, deliverableWh: Math.floor(wh * random()) });
  }

  return { period, platformFeeBps: 1_000, sites, allocations, usage, supplies };
}

/** The domain event of a usage record: the first of an allocation is a report, later ones amend. */
export function usageEventOf(
  record: MeteredUsage,
  allocation: SyntheticAllocation,
  previous?: MeteredUsage,
): UsageReported | UsageAmended {
  const { allocationId, siteId, slot, buyerId, orderId } = allocation;
  const { gpuHoursDelivered, whConsumed, heatWhRecovered } = record;
  const at = new Date(Date.parse(slot) + 3_600_000 + record.position).toISOString();
  const common = {
    allocationId,
    siteId,
    slot,
    buyerId,
    orderId,
    gpuHoursDelivered,
    whConsumed,
    heatWhRecovered,
  };
  return previous
    ? {
        type: 'UsageAmended',
        schemaVersion: 1,
        data: {
          ...common,
          reason: 'meter correction',
          amendedAt: at,
          previous: {
            gpuHoursDelivered: previous.gpuHoursDelivered,
            whConsumed: previous.whConsumed,
            heatWhRecovered: previous.heatWhRecovered,
          },
        },
      }
    : { type: 'UsageReported', schemaVersion: 1, data: { ...common, reportedAt: at } };
}
