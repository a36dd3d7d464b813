import { Inject, Injectable } from '@nestjs/common';
import { And, DataSource, In, LessThan, MoreThan, MoreThanOrEqual } from 'typeorm';
import { addHours, DomainError, gpusAvailableAt, Site, slotHour } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { AllocationRow, EnergyOfferRow, EnergyOfferSlotRow, SiteRow } from '@policloud/projections';
import { slotRange } from '@policloud/domain';
import { Page, pageOf, pageStart } from '../shared/page';
import { CapacityQuery, NetworkCapacityQuery } from './sites.dto';

/** At most a month of hourly slots per request. */
export const MAX_CAPACITY_SLOTS = 24 * 31;
/** Sites per page of the network's capacity: a week of 100 sites is about 2 MB of JSON. */
export const CAPACITY_PAGE_DEFAULT = 100;
export const CAPACITY_PAGE_MAX = 200;
/**
 * Site-slots per page at most (200 sites × a week): a month's window takes fewer sites a page,
 * so no page costs the process more than a week of the largest one.
 */
export const CAPACITY_CELLS_PER_PAGE = CAPACITY_PAGE_MAX * 168;

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

export interface SiteCapacity {
  siteId: string;
  energyPerGpuHourWh: number;
  from: string;
  to: string;
  slots: SlotCapacity[];
}

interface Window {
  from: string;
  to: string;
  slots: number;
}

/**
 * GPUs and Wh per slot of one site, or of the whole network a page of sites at a time (one
 * request for a map of 1,000 sites instead of one per site). Both read the same three grouped
 * queries, whatever the number of sites.
 */
@Injectable()
export class SiteCapacityService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  async capacity(siteId: string, query: CapacityQuery): Promise<SiteCapacity> {
    const window = capacityWindow(query);
    const row = await this.readModels.getRepository(SiteRow).findOneBy({ id: siteId });
    if (!row) throw DomainError.notFound('Site', siteId);
    const [capacity] = await this.capacities([row.state], window);
    return capacity;
  }

  /** Every site's capacity over the window, by site id, a page at a time. */
  async network(query: NetworkCapacityQuery): Promise<Page<SiteCapacity>> {
    const window = capacityWindow(query);
    const mostSites = Math.min(
      CAPACITY_PAGE_MAX,
      Math.floor(CAPACITY_CELLS_PER_PAGE / Math.max(1, window.slots)),
    );
    const limit = query.limit ?? Math.min(CAPACITY_PAGE_DEFAULT, mostSites);
    if (limit > mostSites) {
      throw DomainError.invalid([
        {
          field: 'limit',
          message: `at most ${mostSites} sites per page over ${window.slots} slots (${CAPACITY_CELLS_PER_PAGE} site-slots)`,
        },
      ]);
    }
    const after = pageStart(query, 1);
    const rows = await this.readModels.getRepository(SiteRow).find({
      where: {
        ...(after ? { id: MoreThan(after[0]) } : {}),
        ...(query.country ? { country: query.country } : {}),
      },
      order: { id: 'ASC' },
      take: limit + 1,
    });
    const page = pageOf(
      rows,
      limit,
      (row) => [row.id],
      (row) => row.state as Site,
    );
    return { ...page, items: await this.capacities(page.items, window) };
  }

  private async capacities(sites: readonly Site[], window: Window): Promise<SiteCapacity[]> {
    if (sites.length === 0) return [];
    const { from, to } = window;
    const siteIds = sites.map((site) => site.siteId);
    const allocated = await this.readModels
      .getRepository(AllocationRow)
      .createQueryBuilder('a')
      .select('a.site_id', 'site')
      .addSelect('a.slot', 'slot')
      .addSelect('SUM(a.gpus)', 'value')
      .where('a.site_id IN (:...siteIds) AND a.slot >= :from AND a.slot < :to', {
        siteIds,
        from,
        to,
      })
      .groupBy('a.site_id')
      .addGroupBy('a.slot')
      .getRawMany<{ site: string; slot: string; value: string }>();
    const gpusAllocated = new Map(allocated.map((r) => [`${r.site}|${r.slot}`, Number(r.value)]));
    const whBySiteSlot = await this.energyBySiteSlot(siteIds, window);
    return sites.map((site) => ({
      siteId: site.siteId,
      energyPerGpuHourWh: site.energyPerGpuHourWh,
      from,
      to,
      slots: Array.from({ length: window.slots }, (_, i) => {
        const slot = addHours(from, i);
        const gpusOnline = gpusAvailableAt(site, slot);
        const gpusAllocatedHere = gpusAllocated.get(`${site.siteId}|${slot}`) ?? 0;
        const gpusFree = Math.max(0, gpusOnline - gpusAllocatedHere);
        const wh = whBySiteSlot.get(`${site.siteId}|${slot}`) ?? { free: 0, allocated: 0 };
        return {
          slot,
          gpusOnline,
          gpusAllocated: gpusAllocatedHere,
          gpusFree,
          whFree: wh.free,
          whAllocated: wh.allocated,
          capacityGpus: Math.min(gpusFree, Math.floor(wh.free / site.energyPerGpuHourWh)),
        };
      }),
    }));
  }

  /** Free and allocated Wh per site and slot, summed over the offers that may feed each site. */
  private async energyBySiteSlot(
    siteIds: string[],
    { from, to }: Window,
  ): Promise<Map<string, { free: number; allocated: number }>> {
    const wanted = new Set(siteIds);
    const offers = await this.readModels
      .getRepository(EnergyOfferRow)
      .createQueryBuilder('o')
      .select('o.id', 'id')
      .addSelect(`o.state->'siteIds'`, 'siteIds')
      .where(`o.state->'siteIds' ?| ARRAY[:...siteIds]`, { siteIds })
      .getRawMany<{ id: string; siteIds: string[] }>();
    if (offers.length === 0) return new Map();
    const slots = await this.readModels.getRepository(EnergyOfferSlotRow).find({
      select: { offerId: true, slot: true, remainingWh: true, allocatedWh: true },
      where: {
        offerId: In(offers.map((offer) => offer.id)),
        slot: And(MoreThanOrEqual(from), LessThan(to)),
      },
    });
    const sitesOf = new Map(
      offers.map((offer) => [offer.id, offer.siteIds.filter((id) => wanted.has(id))]),
    );
    const energy = new Map<string, { free: number; allocated: number }>();
    for (const row of slots) {
      for (const siteId of sitesOf.get(row.offerId) ?? []) {
        const key = `${siteId}|${row.slot}`;
        const sum = energy.get(key) ?? { free: 0, allocated: 0 };
        sum.free += Number(row.remainingWh);
        sum.allocated += Number(row.allocatedWh);
        energy.set(key, sum);
      }
    }
    return energy;
  }
}

function capacityWindow(query: CapacityQuery): Window {
  const { from, to } = slotRange(query) as { from: string; to: string };
  const slots = slotHour(to) - slotHour(from);
  if (slots > MAX_CAPACITY_SLOTS) {
    throw DomainError.invalid([
      { field: 'to', message: `at most ${MAX_CAPACITY_SLOTS} slots per request` },
    ]);
  }
  return { from, to, slots };
}
