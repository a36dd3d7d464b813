import { Inject, Injectable } from '@nestjs/common';
import { Brackets, DataSource, In } from 'typeorm';
import {
  AllocationRecord,
  ComputeOrder,
  distanceKm,
  isEuJurisdiction,
  isRenewable,
  isWithinJurisdictions,
  UsageFigures,
  Site,
} from '@policloud/domain';
import { READ_MODELS, SlotRangeQuery } from '@policloud/http';
import {
  AllocationRow,
  AllocationUsageRow,
  ComputeOrderRow,
  SiteRow,
} from '@policloud/projections';
import { slotRange } from '@policloud/domain';

type Verdict = 'pass' | 'fail' | 'not_requested';

/** Allocation ids per query of their usage. */
const USAGE_PAGE = 5_000;

/**
 * Where every GPU-hour of a buyer ran: each allocation with the facts recorded at match time
 * (country, operator jurisdiction, certifications, energy), what was delivered, and a verdict
 * per order constraint — computed from the record, never from a site's later state. Read from
 * the read models by index (the buyer's allocations, their orders, sites and usage).
 */
@Injectable()
export class SovereigntyService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  async report(buyerId: string, query: SlotRangeQuery) {
    const { from, to } = slotRange(query);
    const builder = this.readModels
      .getRepository(AllocationRow)
      .createQueryBuilder('a')
      .where('a.buyer_id = :buyerId', { buyerId });
    if (from) builder.andWhere('a.slot >= :from', { from });
    if (to) builder.andWhere(new Brackets((q) => q.where('a.slot < :to', { to })));
    const allocations = (await builder.orderBy('a.slot').addOrderBy('a.order_id').getMany()).map(
      (row) => row.data,
    );
    const orderIds = [...new Set(allocations.map((a) => a.orderId))];
    const orders = new Map(
      (await this.readModels.getRepository(ComputeOrderRow).findBy({ id: In(orderIds) })).map(
        (row) => [row.id, row.state],
      ),
    );
    const siteIds = [...new Set(allocations.map((a) => a.siteId))];
    const locations = new Map(
      (await this.readModels.getRepository(SiteRow).findBy({ id: In(siteIds) })).map((row) => [
        row.id,
        (row.state as Site).location,
      ]),
    );
    const usage = await this.usageOf(allocations.map((allocation) => allocation.allocationId));
    const lines = allocations.map((allocation) => ({
      allocationId: allocation.allocationId,
      orderId: allocation.orderId,
      siteId: allocation.siteId,
      slot: allocation.slot,
      gpus: allocation.gpus,
      gpuHoursDelivered: usage.get(allocation.allocationId)?.gpuHoursDelivered ?? null,
      country: allocation.site.country,
      operatorJurisdiction: allocation.site.operatorJurisdiction,
      operatorLegalEntity: allocation.site.operatorLegalEntity,
      certifications: allocation.site.certifications,
      energy: allocation.energy.map(({ offerId, producerId, source, carbonGPerKwh, wh }) => ({
        offerId,
        producerId,
        source,
        carbonGPerKwh,
        wh,
      })),
    }));
    const byOrder = new Map<string, AllocationRecord[]>();
    for (const allocation of allocations) {
      byOrder.set(allocation.orderId, [...(byOrder.get(allocation.orderId) ?? []), allocation]);
    }
    return {
      buyerId,
      from: from ?? null,
      to: to ?? null,
      allocations: lines,
      orders: orderIds.map((orderId) =>
        verdicts(orderId, orders.get(orderId), byOrder.get(orderId) ?? [], locations),
      ),
    };
  }

  /** The metered figures of the allocations that have any, by allocation id. */
  private async usageOf(allocationIds: string[]): Promise<Map<string, UsageFigures>> {
    const figures = new Map<string, UsageFigures>();
    for (let start = 0; start < allocationIds.length; start += USAGE_PAGE) {
      const rows = await this.readModels
        .getRepository(AllocationUsageRow)
        .findBy({ id: In(allocationIds.slice(start, start + USAGE_PAGE)) });
      for (const row of rows) {
        if (row.state.status !== 'absent') figures.set(row.id, row.state as UsageFigures);
      }
    }
    return figures;
  }
}

function verdicts(
  orderId: string,
  order: ComputeOrder | undefined,
  allocations: AllocationRecord[],
  locations: Map<string, { lat: number; lon: number }>,
) {
  const constraints = order?.constraints ?? {};
  const every = (requested: boolean, holds: (a: AllocationRecord) => boolean): Verdict =>
    !requested ? 'not_requested' : allocations.every(holds) ? 'pass' : 'fail';
  return {
    orderId,
    constraints,
    verdicts: {
      jurisdictions: every(constraints.jurisdictions !== undefined, (a) =>
        isWithinJurisdictions(a.site.country, constraints.jurisdictions!),
      ),
      sovereignOperator: every(constraints.sovereignOperator === true, (a) =>
        isEuJurisdiction(a.site.operatorJurisdiction),
      ),
      renewableOnly: every(constraints.renewableOnly === true, (a) =>
        a.energy.every((draw) => isRenewable(draw.source)),
      ),
      maxCarbonGPerKwh: every(constraints.maxCarbonGPerKwh !== undefined, (a) =>
        a.energy.every((draw) => draw.carbonGPerKwh <= constraints.maxCarbonGPerKwh!),
      ),
      maxDistanceKm: every(constraints.maxDistanceKm !== undefined, (a) => {
        const location = locations.get(a.siteId);
        return (
          location !== undefined &&
          distanceKm(constraints.maxDistanceKm!.origin, location) <= constraints.maxDistanceKm!.km
        );
      }),
      gpuModel: every(order?.gpuModel !== undefined, (a) => a.site.gpuModel === order!.gpuModel),
    },
  };
}
