import { Inject, Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import { slotRange } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { AllocationRow } from '@policloud/projections';
import { PAGE_DEFAULT, pageOf, pageStart } from '../shared/page';
import { ListAllocationsQuery } from './allocations.dto';

@Injectable()
export class AllocationsService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  /**
   * Operators see every allocation; buyers, producers and hosts the ones they take part in. By
   * slot, site and order, a page at a time; `nextAfter` continues it (null on the last page).
   */
  async list(query: ListAllocationsQuery, principal: Principal) {
    const { from, to } = slotRange(query);
    const start = pageStart(query.after, 3);
    const limit = query.limit ?? PAGE_DEFAULT;
    const builder = this.readModels.getRepository(AllocationRow).createQueryBuilder('a');
    if (query.orderId) builder.andWhere('a.order_id = :orderId', { orderId: query.orderId });
    if (query.siteId) builder.andWhere('a.site_id = :siteId', { siteId: query.siteId });
    if (query.runId) builder.andWhere('a.run_id = :runId', { runId: query.runId });
    if (from) builder.andWhere('a.slot >= :from', { from });
    if (to) builder.andWhere('a.slot < :to', { to });
    if (!hasRole(principal, 'operator')) {
      const me = principal.participantId;
      builder.andWhere(
        new Brackets((own) => {
          own.where('1 = 0');
          if (hasRole(principal, 'buyer')) own.orWhere('a.buyer_id = :me', { me });
          if (hasRole(principal, 'host')) own.orWhere('a.host_id = :me', { me });
          if (hasRole(principal, 'producer'))
            own.orWhere('a.producer_ids @> CAST(:producer AS jsonb)', {
              producer: JSON.stringify([me]),
            });
        }),
      );
    }
    if (start) {
      const [afterSlot, afterSite, afterOrder] = start;
      builder.andWhere('(a.slot, a.site_id, a.order_id) > (:afterSlot, :afterSite, :afterOrder)', {
        afterSlot,
        afterSite,
        afterOrder,
      });
    }
    // One more than the page: whether another page follows.
    const rows = await builder
      .orderBy('a.slot', 'ASC')
      .addOrderBy('a.site_id')
      .addOrderBy('a.order_id')
      .limit(limit + 1)
      .getMany();
    return pageOf(
      rows,
      limit,
      (row) => [row.slot, row.siteId, row.orderId],
      (row) => row.data,
    );
  }
}
