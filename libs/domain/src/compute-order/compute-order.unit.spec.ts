import { rehydrate } from '../events.registry';
import { DeciderSpecification } from '../shared/decider-specification';
import { computeOrderFilled, computeOrderPlaced, placeComputeOrder } from '../testing/examples';
import { ComputeOrder, computeOrderDecider } from '.';
import { CancelComputeOrder } from './compute-order.commands';
import {
  ComputeOrderCancelled,
  ComputeOrderPlacedV1,
  OrderConstraints,
} from './compute-order.events';

import { MAX_UNIT_PRICE } from '../shared/money';
import { MAX_GPUS_PER_SITE } from '../site/site.parse';
import { withinOrderBounds } from './compute-order.evolve';

const spec = DeciderSpecification.for(computeOrderDecider);

const placed = computeOrderPlaced;

const cancel = (actorId = 'buyer-1'): CancelComputeOrder => ({
  type: 'CancelComputeOrder',
  data: { orderId: 'order-1', actorId, cancelledAt: '2026-03-01T09:00:00.000Z' },
});
const cancelled = (cancelledGpuHours: number): ComputeOrderCancelled => ({
  type: 'ComputeOrderCancelled',
  schemaVersion: 1,
  data: { orderId: 'order-1', cancelledAt: '2026-03-01T09:00:00.000Z', cancelledGpuHours },
});

const fillAt = (hour: number) =>
  computeOrderFilled({ allocationId: `alloc-${hour}`, slot: `2026-03-01T${hour}:00:00Z` });

const orderAfter = (...events: Parameters<typeof rehydrate>[1]): ComputeOrder =>
  rehydrate(computeOrderDecider, events) as ComputeOrder;

// Rules on the command's own fields are specified with parsePlaceComputeOrder (compute-order.parse.unit.spec.ts).
describe('PlaceComputeOrder', () => {
  it('places an open order that accepts partial fills by default', () =>
    spec.given([]).when(placeComputeOrder()).then([placed()]));

  it('records an all-or-none order, a GPU model and every constraint', () => {
    const constraints: OrderConstraints = {
      jurisdictions: ['EU', 'CH', 'GCC'],
      sovereignOperator: true,
      maxDistanceKm: { origin: { lat: 48.85, lon: 2.35 }, km: 500 },
      renewableOnly: true,
      maxCarbonGPerKwh: 50,
    };
    spec
      .given([])
      .when(placeComputeOrder({ allOrNone: true, gpuModel: 'H100', constraints }))
      .then([
        placed({
          allOrNone: true,
          gpuModel: 'H100',
          constraints,
        }),
      ]);
  });

  it('leaves out of matching an order stored before the bounds existed', () => {
    const placed = { gpus: 100, hours: 1, maxPricePerGpuHour: MAX_UNIT_PRICE };
    expect(withinOrderBounds(placed)).toBe(true);
    expect(withinOrderBounds({ ...placed, maxPricePerGpuHour: 1e14 })).toBe(false);
    expect(withinOrderBounds({ ...placed, gpus: MAX_GPUS_PER_SITE + 1 })).toBe(false);
  });

  it('places an order once', () =>
    spec.given([placed()]).when(placeComputeOrder()).thenThrows('conflict'));
});

describe('CancelComputeOrder', () => {
  it('cancels an open order: all its GPU-hours', () =>
    spec
      .given([placed()])
      .when(cancel())
      .then([cancelled(32)]));

  it('cancels only the unfilled part of a partially filled order', () =>
    spec
      .given([placed(), fillAt(10)])
      .when(cancel())
      .then([cancelled(24)]));

  it('has nothing to cancel once filled', () =>
    spec
      .given([placed(), fillAt(10), fillAt(11), fillAt(12), fillAt(13)])
      .when(cancel())
      .thenThrows('conflict'));

  it('cancels an order once', () =>
    spec
      .given([placed(), cancelled(32)])
      .when(cancel())
      .thenThrows('conflict'));

  it('is forbidden to anyone but the buyer', () =>
    spec.given([placed()]).when(cancel('buyer-2')).thenThrows('forbidden'));

  it('cancels only a placed order', () => spec.given([]).when(cancel()).thenThrows('not_found'));
});

describe('ComputeOrderFilled', () => {
  it('moves the order from open to partially filled to filled', () => {
    expect(orderAfter(placed()).status).toBe('open');
    expect(orderAfter(placed(), fillAt(10)).status).toBe('partially_filled');
    const filled = orderAfter(placed(), fillAt(10), fillAt(11), fillAt(12), fillAt(13));
    expect(filled.status).toBe('filled');
    expect(filled.filledGpuHours).toBe(32);
    expect(filled.fills.map((fill) => fill.slot)).toEqual(
      [10, 11, 12, 13].map((h) => `2026-03-01T${h}:00:00Z`),
    );
  });

  it('keeps a cancelled order cancelled when a racing fill arrives', () =>
    expect(orderAfter(placed(), cancelled(32), fillAt(10)).status).toBe('cancelled'));
});

describe('ComputeOrderPlaced v1 (before all-or-none)', () => {
  const { allOrNone: _, ...v1Data } = placed().data;
  const v1: ComputeOrderPlacedV1 = { type: 'ComputeOrderPlaced', schemaVersion: 1, data: v1Data };

  it('still reads, as an order that accepts partial fills', () => {
    const order = orderAfter(v1);
    expect(order.allOrNone).toBe(false);
    expect(order.status).toBe('open');
  });

  it('still takes commands', () =>
    spec
      .given([v1, fillAt(10)])
      .when(cancel())
      .then([cancelled(24)]));
});

describe('compute order: a matching run fills it', () => {
  const fill = (slot: string, gpus = 8, allocationId = `alloc-${slot}`) => ({
    allocationId,
    siteId: 'site-1',
    slot,
    gpus,
    pricePerGpuHour: 180,
  });
  const recordFills = (fills: ReturnType<typeof fill>[]) => ({
    type: 'RecordFills' as const,
    data: { orderId: 'order-1', fills },
  });

  it("records a run's fills of the order in one ComputeOrderFilled, slot by slot", () => {
    spec
      .given([placed()])
      .when(
        recordFills([
          fill('2026-03-01T10:00:00Z', 8, 'alloc-1'),
          fill('2026-03-01T11:00:00Z', 8, 'alloc-1'),
        ]),
      )
      .then([computeOrderFilled({}, fill('2026-03-01T11:00:00Z', 8, 'alloc-1'))]);
  });

  it('reads a stored per-slot ComputeOrderFilled (v1) as a fill of that slot', () => {
    const { fills } = computeOrderFilled().data;
    spec
      .given([
        placed(),
        { type: 'ComputeOrderFilled', schemaVersion: 1, data: { orderId: 'order-1', ...fills[0] } },
      ])
      .when(recordFills([fill('2026-03-01T10:00:00Z')]))
      .thenThrows('conflict');
  });

  it('fills each slot once, ever', () => {
    spec
      .given([placed(), computeOrderFilled()])
      .when(recordFills([fill('2026-03-01T10:00:00Z')]))
      .thenThrows('conflict');
  });

  it('never fills beyond the GPU-hours ordered', () => {
    spec
      .given([placed({ hours: 1 })])
      .when(recordFills([fill('2026-03-01T10:00:00Z'), fill('2026-03-01T11:00:00Z')]))
      .thenThrows('conflict');
  });

  it('fills no cancelled order, and no more GPUs than ordered at once', () => {
    spec
      .given([placed(), cancelled(32)])
      .when(recordFills([fill('2026-03-01T10:00:00Z')]))
      .thenThrows('conflict');
    spec
      .given([placed()])
      .when(recordFills([fill('2026-03-01T10:00:00Z', 9)]))
      .thenThrows('invalid', ['fills[0].gpus']);
  });
});
