import { Inject, Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import { parseSlot, throwIfInvalid, FieldError } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { AllocationRow } from '@policloud/projections';
import { ALLOCATIONS_PAGE_DEFAULT, ListAllocationsQuery } from './allocations.dto';

/** Where a page ends: the sort key of its last allocation (slot, site, order). */
type PageEnd = [slot: string, siteId: string, orderId: string];

const cursorOf = (row: AllocationRow): string =>
  Buffer.from(JSON.stringify([row.slot, row.siteId, row.orderId] satisfies PageEnd)).toString(
    'base64url',
  );

function pageEndOf(after: string): PageEnd {
  let end: unknown;
  try {
    end = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    end = undefined;
  }
  if (!Array.isArray(end) || end.length !== 3 || !end.every((part) => typeof part === 'string')) {
    throwIfInvalid([{ field: 'after', message: 'must be the nextAfter of a previous page' }]);
  }
  return end as PageEnd;
}

/** Slot bounds of a query, parsed like the domain parses slots. */
export function slotRange(query: { from?: string; to?: string }): { from?: string; to?: string } {
  const errors: FieldError[] = [];
  const parse = (field: 'from' | 'to') => {
    if (query[field] === undefined) return undefined;
    const parsed = parseSlot(query[field], field);
    if (!parsed.ok) errors.push(...parsed.errors);
    return parsed.ok ? parsed.value : undefined;
  };
  const range = { from: parse('from'), to: parse('to') };
  if (range.from && range.to && range.from >= range.to)
    errors.push({ field: 'to', message: 'must be after from' });
  throwIfInvalid(errors);
  return range;
}

@Injectable()
export class AllocationsService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  /**
   * Operators see every allocation; buyers, producers and hosts the ones they take part in. By
   * slot, site and order, a page at a time; `nextAfter` continues it (null on the last page).
   */
  async list(query: ListAllocationsQuery, principal: Principal) {
    const { from, to } = slotRange(query);
    const pageEnd = query.after === undefined ? undefined : pageEndOf(query.after);
    const limit = query.limit ?? ALLOCATIONS_PAGE_DEFAULT;
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
    if (pageEnd) {
      const [afterSlot, afterSite, afterOrder] = pageEnd;
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
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => row.data),
      nextAfter: rows.length > limit ? cursorOf(page[page.length - 1]) : null,
    };
  }
}
