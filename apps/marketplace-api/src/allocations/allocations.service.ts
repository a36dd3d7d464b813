import { Inject, Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import { parseSlot, throwIfInvalid, FieldError } from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { AllocationRow } from '@policloud/projections';
import { ListAllocationsQuery } from './allocations.dto';

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
  if (range.from && range.to && range.from >= range.to) errors.push({ field: 'to', message: 'must be after from' });
  throwIfInvalid(errors);
  return range;
}

@Injectable()
export class AllocationsService {
  constructor(@Inject(READ_MODELS) private readonly readModels: DataSource) {}

  /** Operators see every allocation; buyers, producers and hosts the ones they take part in. */
  async list(query: ListAllocationsQuery, principal: Principal) {
    const { from, to } = slotRange(query);
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
          if (hasRole(principal, 'producer')) own.orWhere('a.producer_ids @> CAST(:producer AS jsonb)', { producer: JSON.stringify([me]) });
        }),
      );
    }
    const rows = await builder.orderBy('a.slot', 'ASC').addOrderBy('a.site_id').addOrderBy('a.order_id').getMany();
    return { items: rows.map((row) => row.data) };
  }
}
