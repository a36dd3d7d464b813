import { rehydrate } from '../events.registry';
import { DeciderSpecification } from '../shared/decider-specification';
import { computeOrderFilled, computeOrderPlaced } from '../testing/examples';
import { ComputeOrder, computeOrderDecider } from '.';
import { AmendComputeOrder } from './compute-order.commands';
import { ComputeOrderAmended } from './compute-order.events';
import { parseAmendComputeOrder } from './compute-order.parse';

const spec = DeciderSpecification.for(computeOrderDecider);

const placed = computeOrderPlaced();

const amend = (
  changes: AmendComputeOrder['data']['changes'],
  actorId = 'buyer-1',
  amendedAt = '2026-03-01T09:00:00.000Z',
): AmendComputeOrder => ({
  type: 'AmendComputeOrder',
  data: { orderId: 'order-1', actorId, amendedAt, changes },
});
const amended = (changes: ComputeOrderAmended['data']['changes']): ComputeOrderAmended => ({
  type: 'ComputeOrderAmended',
  schemaVersion: 1,
  data: { orderId: 'order-1', amendedAt: '2026-03-01T09:00:00.000Z', changes },
});

describe('AmendComputeOrder: the buyer changes its terms while nothing is allocated', () => {
  it('records the terms that change, and the order takes them', () => {
    const changes = {
      maxPricePerGpuHour: 320,
      deadline: '2026-03-02T08:00:00Z',
      gpus: 16,
      constraints: { jurisdictions: ['EU' as const], renewableOnly: true },
    };
    spec
      .given([placed])
      .when(amend(changes))
      .then([amended(changes)]);
    const order = rehydrate(computeOrderDecider, [placed, amended(changes)]) as ComputeOrder;
    expect(order).toMatchObject({
      ...changes,
      status: 'open',
      amendedAt: amended({}).data.amendedAt,
    });
  });

  it('leaves out terms given unchanged, and nothing happens when none changes', () => {
    spec
      .given([placed])
      .when(amend({ maxPricePerGpuHour: 250, hours: 5 }))
      .then([amended({ hours: 5 })]);
    spec
      .given([placed])
      .when(amend({ gpus: 8, constraints: {} }))
      .thenNothingHappens();
  });

  it('refuses any change once part of the order is allocated, saying why (409)', () =>
    spec
      .given([placed, computeOrderFilled()])
      .when(amend({ maxPricePerGpuHour: 300 }))
      .thenThrows('conflict'));

  it('refuses to change a cancelled order', () =>
    spec
      .given([
        placed,
        {
          type: 'ComputeOrderCancelled',
          schemaVersion: 1,
          data: {
            orderId: 'order-1',
            cancelledAt: '2026-03-01T09:00:00.000Z',
            cancelledGpuHours: 32,
          },
        },
      ])
      .when(amend({ gpus: 2 }))
      .thenThrows('conflict'));

  it('keeps the window holding the hours, with the terms that do not change (naming deadline)', () =>
    spec
      .given([placed])
      .when(amend({ hours: 11 }))
      .thenThrows('invalid', ['deadline']));

  it('refuses a window that has already ended', () =>
    spec
      .given([placed])
      .when(amend({ maxPricePerGpuHour: 300 }, 'buyer-1', '2026-03-01T20:30:00.000Z'))
      .thenThrows('invalid', ['deadline']));

  it('is forbidden to anyone but the buyer, and needs a placed order', () => {
    spec
      .given([placed])
      .when(amend({ gpus: 2 }, 'buyer-2'))
      .thenThrows('forbidden');
    spec
      .given([])
      .when(amend({ gpus: 2 }))
      .thenThrows('not_found');
  });
});

describe('parseAmendComputeOrder', () => {
  const parse = (changes: unknown, amendedAt = '2026-03-01T09:10:00Z') =>
    parseAmendComputeOrder({ orderId: 'order-1', actorId: 'buyer-1', amendedAt, changes });
  const fields = (parsed: ReturnType<typeof parse>) =>
    parsed.ok ? [] : parsed.errors.map((error) => error.field).sort();

  it('types the terms given, in their stored form', () => {
    expect(parse({ earliestStart: '2026-03-01T12:00:00.000Z', maxPricePerGpuHour: 300 })).toEqual({
      ok: true,
      value: {
        type: 'AmendComputeOrder',
        data: {
          orderId: 'order-1',
          actorId: 'buyer-1',
          amendedAt: '2026-03-01T09:10:00.000Z',
          changes: { earliestStart: '2026-03-01T12:00:00Z', maxPricePerGpuHour: 300 },
        },
      },
    });
  });

  it('names every invalid term at once', () =>
    expect(fields(parse({ gpus: 0, maxPricePerGpuHour: 2.5, deadline: 'tomorrow' }))).toEqual([
      'deadline',
      'gpus',
      'maxPricePerGpuHour',
    ]));

  it('refuses an empty amendment, terms it may not change and a start in the past', () => {
    expect(fields(parse({}))).toEqual(['body']);
    expect(fields(parse({ currency: 'USD', buyerId: 'x' }))).toEqual(['buyerId', 'currency']);
    expect(fields(parse({ earliestStart: '2026-03-01T08:00:00Z' }))).toEqual(['earliestStart']);
  });
});
