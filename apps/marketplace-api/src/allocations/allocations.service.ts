import { Inject, Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import { slotRange } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { AllocationProducerRow, AllocationRow } from '@policloud/projections';
import { PAGE_DEFAULT, pageOf, pageStart } from '../shared/page';
import { ListAllocationsQuery } from './allocations.dto';

@Injectable()
export class AllocationsService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  /**
   * Operators see every allocation; buyers, producers and hosts the ones they take part in. By
   * slot, site and order, a page at a time; `nextCursor` continues it (null on the last page).
   * Each view reads one index in that order: the list's own, the buyer's, the host's, or the
   * producer's rows of rm_allocation_producers.
   */
  async list(query: ListAllocationsQuery, principal: Principal) {
    const { from, to } = slotRange(query);
    const start = pageStart(query, 3);
    const limit = query.limit ?? PAGE_DEFAULT;
    const me = principal.participantId;
    const builder = this.readModels.getRepository(AllocationRow).createQueryBuilder('a');
    const producerOnly =
      hasRole(principal, 'producer') && !hasRole(principal, 'operator', 'buyer', 'host');
    // The table whose index gives the list's order: the producer's own rows when that is the view.
    const key = producerOnly ? 'p' : 'a';
    if (producerOnly) {
      builder.innerJoin(
        AllocationProducerRow,
        'p',
        'p.allocation_id = a.allocation_id AND p.producer_id = :me',
        { me },
      );
    }
    if (query.orderId) builder.andWhere(`${key}.order_id = :orderId`, { orderId: query.orderId });
    if (query.siteId) builder.andWhere(`${key}.site_id = :siteId`, { siteId: query.siteId });
    if (query.runId) builder.andWhere('a.run_id = :runId', { runId: query.runId });
    if (from) builder.andWhere(`${key}.slot >= :from`, { from });
    if (to) builder.andWhere(`${key}.slot < :to`, { to });
    if (!hasRole(principal, 'operator') && !producerOnly) {
      builder.andWhere(
        new Brackets((own) => {
          own.where('1 = 0');
          if (hasRole(principal, 'buyer')) own.orWhere('a.buyer_id = :me', { me });
          if (hasRole(principal, 'host')) own.orWhere('a.host_id = :me', { me });
          if (hasRole(principal, 'producer'))
            own.orWhere(
              'a.allocation_id IN (SELECT allocation_id FROM rm_allocation_producers WHERE producer_id = :me)',
              { me },
            );
        }),
      );
    }
    if (start) {
      const [afterSlot, afterSite, afterOrder] = start;
      builder.andWhere(
        `(${key}.slot, ${key}.site_id, ${key}.order_id) > (:afterSlot, :afterSite, :afterOrder)`,
        { afterSlot, afterSite, afterOrder },
      );
    }
    // One more than the page: whether another page follows.
    const rows = await builder
      .orderBy(`${key}.slot`, 'ASC')
      .addOrderBy(`${key}.site_id`)
      .addOrderBy(`${key}.order_id`)
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
