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
  allocationUsageDecider,
  allocationUsageStreamId,
  Site,
} from '@policloud/domain';
import { EVENT_STORE, EventStore, StreamNotFoundError } from '@policloud/event-store';
import { READ_MODELS, SlotRangeQuery } from '@policloud/http';
import { AllocationRow, ComputeOrderRow, SiteRow } from '@policloud/projections';
import { slotRange } from '@policloud/domain';

type Verdict = 'pass' | 'fail' | 'not_requested';

/**
 * Where every GPU-hour of a buyer ran: each allocation with the facts recorded at match time
 * (country, operator jurisdiction, certifications, energy), what was delivered, and a verdict
 * per order constraint — computed from the record, never from a site's later state.
 */
@Injectable()
export class SovereigntyService {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

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
    const lines = await Promise.all(
      allocations.map(async (allocation) => ({
        allocationId: allocation.allocationId,
        orderId: allocation.orderId,
        siteId: allocation.siteId,
        slot: allocation.slot,
        gpus: allocation.gpus,
        gpuHoursDelivered: (await this.usageOf(allocation.allocationId))?.gpuHoursDelivered ?? null,
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
      })),
    );
    return {
      buyerId,
      from: from ?? null,
      to: to ?? null,
      allocations: lines,
      orders: orderIds.map((orderId) =>
        verdicts(
          orderId,
          orders.get(orderId),
          allocations.filter((a) => a.orderId === orderId),
          locations,
        ),
      ),
    };
  }

  private async usageOf(allocationId: string): Promise<UsageFigures | undefined> {
    try {
      const events = await this.store.readStream(allocationUsageStreamId(allocationId));
      const state = events.reduce(
        (current, event) => allocationUsageDecider.evolve(current, event as never),
        allocationUsageDecider.initialState(),
      );
      return state.status === 'absent' ? undefined : (state as unknown as UsageFigures);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
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
