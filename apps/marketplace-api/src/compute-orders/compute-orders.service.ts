import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import {
  ComputeOrder,
  computeOrderDecider,
  ComputeOrderCommand,
  computeOrderStreamId,
  DomainError,
  parseAmendComputeOrder,
  parsePlaceComputeOrder,
  valueOrThrow,
} from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { ComputeOrderRow, UnfilledOrderRow } from '@policloud/projections';
import { Clock, CLOCK, CommandHandler } from '@policloud/runtime';
import { Caller } from '../shared/caller.decorator';
import { assertOwner, assertVisible } from '../shared/ownership';
import { PAGE_DEFAULT, pageOf, pageStart } from '../shared/page';
import { present, Written } from '../shared/resource';
import {
  AmendComputeOrderDto,
  ListComputeOrdersQuery,
  PlaceComputeOrderDto,
} from './compute-orders.dto';

@Injectable()
export class ComputeOrdersService {
  constructor(
    private readonly commands: CommandHandler,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** Async so that a refused order rejects the promise, as every other command does. */
  async place(dto: PlaceComputeOrderDto, caller: Caller): Promise<Written> {
    const orderId = caller.ids('compute-order');
    const { constraints, ...order } = dto;
    // Refused here, before the command handler: a request with errors writes nothing.
    const command = valueOrThrow(
      parsePlaceComputeOrder({
        orderId,
        buyerId: caller.actor,
        placedAt: this.now(),
        ...order,
        ...(constraints ? { constraints: plain(constraints) } : {}),
      }),
    );
    return this.execute(orderId, command, caller, true);
  }

  /** The buyer's new terms, decided on the order's stream at the revision If-Match names. */
  async amend(
    orderId: string,
    dto: AmendComputeOrderDto,
    principal: Principal,
    caller: Caller,
  ): Promise<Written> {
    const row = await this.readModels.getRepository(ComputeOrderRow).findOneBy({ id: orderId });
    if (!row) throw DomainError.notFound('Compute order', orderId);
    assertOwner(principal, row.buyerId, 'Compute order', orderId);
    // Refused here, before the command handler: a request with errors writes nothing.
    const command = valueOrThrow(
      parseAmendComputeOrder({
        orderId,
        actorId: caller.actor,
        amendedAt: this.now(),
        changes: plain(dto),
      }),
    );
    return this.execute(orderId, command, caller);
  }

  async cancel(orderId: string, principal: Principal, caller: Caller): Promise<Written> {
    const row = await this.readModels.getRepository(ComputeOrderRow).findOneBy({ id: orderId });
    if (!row) throw DomainError.notFound('Compute order', orderId);
    assertOwner(principal, row.buyerId, 'Compute order', orderId);
    return this.execute(
      orderId,
      {
        type: 'CancelComputeOrder',
        data: { orderId, actorId: caller.actor, cancelledAt: this.now() },
      },
      caller,
    );
  }

  /** Operators see every order, buyers their own; by placement time then id, a page at a time. */
  async find(query: ListComputeOrdersQuery, principal: Principal) {
    const start = pageStart(query, 2);
    const limit = query.limit ?? PAGE_DEFAULT;
    const builder = this.readModels.getRepository(ComputeOrderRow).createQueryBuilder('o');
    if (!hasRole(principal, 'operator'))
      builder.andWhere('o.buyer_id = :me', { me: principal.participantId });
    if (query.status) builder.andWhere('o.status = :status', { status: query.status });
    if (start) {
      const [afterPlacedAt, afterId] = start;
      builder.andWhere('(o.placed_at, o.id) > (:afterPlacedAt, :afterId)', {
        afterPlacedAt,
        afterId,
      });
    }
    // One more than the page: whether another page follows.
    const rows = await builder
      .orderBy('o.placed_at', 'ASC')
      .addOrderBy('o.id')
      .limit(limit + 1)
      .getMany();
    return pageOf(rows, limit, (row) => [row.placedAt, row.id], present);
  }

  async get(orderId: string, principal: Principal) {
    const row = await this.readModels.getRepository(ComputeOrderRow).findOneBy({ id: orderId });
    if (!row) throw DomainError.notFound('Compute order', orderId);
    assertVisible(principal, row.buyerId, 'Compute order', orderId);
    const order = present<ComputeOrder>(row);
    if (order.status !== 'open' && order.status !== 'partially_filled') return order;
    // Why the last run that left it short did so; gone once it fills or is cancelled.
    const last = await this.readModels
      .getRepository(UnfilledOrderRow)
      .findOne({ where: { orderId }, order: { position: 'DESC' } });
    if (!last) return order;
    const { orderId: _, ...reason } = last.reason;
    return { ...order, lastUnfilled: { runId: last.runId, ...reason } };
  }

  private async execute(
    orderId: string,
    command: ComputeOrderCommand,
    caller: Caller,
    newStream = false,
  ): Promise<Written> {
    const result = await this.commands.handle(
      computeOrderStreamId(orderId),
      computeOrderDecider,
      command,
      undefined,
      { ...caller, newStream },
    );
    return { id: orderId, revision: result.revision };
  }
}

/** DTO instances to plain data: events hold JSON, not class instances. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
