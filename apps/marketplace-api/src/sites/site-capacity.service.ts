import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addHours, DomainError, gpusAvailableAt, Site, slotHour } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { AllocationRow, EnergyOfferRow, EnergyOfferSlotRow, SiteRow } from '@policloud/projections';
import { slotRange } from '@policloud/domain';
import { CapacityQuery } from './sites.dto';

/** At most a month of hourly slots per request. */
export const MAX_CAPACITY_SLOTS = 24 * 31;

export interface SlotCapacity {
  slot: string;
  gpusOnline: number;
  gpusAllocated: number;
  gpusFree: number;
  /** Unallocated Wh of the offers that may feed this site (an offer feeding several sites counts for each). */
  whFree: number;
  whAllocated: number;
  /** min(free GPUs, floor(free Wh / e)): what matching could still allocate. */
  capacityGpus: number;
}

@Injectable()
export class SiteCapacityService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  async capacity(siteId: string, query: CapacityQuery) {
    const { from, to } = slotRange(query) as { from: string; to: string };
    const slots = slotHour(to) - slotHour(from);
    if (slots > MAX_CAPACITY_SLOTS) {
      throw DomainError.invalid([
        { field: 'to', message: `at most ${MAX_CAPACITY_SLOTS} slots per request` },
      ]);
    }
    const row = await this.readModels.getRepository(SiteRow).findOneBy({ id: siteId });
    if (!row) throw DomainError.notFound('Site', siteId);
    const site: Site = row.state;
    const allocated = await this.sumBySlot(
      this.readModels
        .getRepository(AllocationRow)
        .createQueryBuilder('a')
        .select('a.slot', 'slot')
        .addSelect('SUM(a.gpus)', 'value')
        .where('a.site_id = :siteId AND a.slot >= :from AND a.slot < :to', { siteId, from, to })
        .groupBy('a.slot'),
    );
    const offerIds = (
      await this.readModels
        .getRepository(EnergyOfferRow)
        .createQueryBuilder('o')
        .select('o.id', 'id')
        .where(`o.state->'siteIds' @> CAST(:site AS jsonb)`, { site: JSON.stringify([siteId]) })
        .getRawMany<{ id: string }>()
    ).map((offer) => offer.id);
    const energy = offerIds.length
      ? await this.readModels
          .getRepository(EnergyOfferSlotRow)
          .createQueryBuilder('s')
          .select('s.slot', 'slot')
          .addSelect('SUM(s.remaining_wh)', 'free')
          .addSelect('SUM(s.allocated_wh)', 'allocated')
          .where('s.offer_id IN (:...offerIds) AND s.slot >= :from AND s.slot < :to', {
            offerIds,
            from,
            to,
          })
          .groupBy('s.slot')
          .getRawMany<{ slot: string; free: string; allocated: string }>()
      : [];
    const energyBySlot = new Map(
      energy.map((e) => [e.slot, { free: Number(e.free), allocated: Number(e.allocated) }]),
    );
    const perSlot: SlotCapacity[] = Array.from({ length: slots }, (_, i) => {
      const slot = addHours(from, i);
      const gpusOnline = gpusAvailableAt(site, slot);
      const gpusAllocated = allocated.get(slot) ?? 0;
      const gpusFree = Math.max(0, gpusOnline - gpusAllocated);
      const wh = energyBySlot.get(slot) ?? { free: 0, allocated: 0 };
      return {
        slot,
        gpusOnline,
        gpusAllocated,
        gpusFree,
        whFree: wh.free,
        whAllocated: wh.allocated,
        capacityGpus: Math.min(gpusFree, Math.floor(wh.free / site.energyPerGpuHourWh)),
      };
    });
    return { siteId, energyPerGpuHourWh: site.energyPerGpuHourWh, from, to, slots: perSlot };
  }

  private async sumBySlot(query: { getRawMany<T>(): Promise<T[]> }): Promise<Map<string, number>> {
    const rows = await query.getRawMany<{ slot: string; value: string }>();
    return new Map(rows.map((r) => [r.slot, Number(r.value)]));
  }
}
