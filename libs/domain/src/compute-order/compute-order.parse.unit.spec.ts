import { MAX_UNIT_PRICE } from '../shared/money';
import { MAX_HORIZON_HOURS } from '../shared/slots';
import { Unparsed } from '../shared/validation';
import { placeComputeOrder } from '../testing/examples';
import { MAX_GPUS_PER_SITE } from '../site/site.parse';
import { PlaceComputeOrder } from './compute-order.commands';
import { parsePlaceComputeOrder } from './compute-order.parse';

/** The example order with some fields replaced, as the edge would receive it. */
const request = (overrides: Unparsed<PlaceComputeOrder['data']> = {}) =>
  parsePlaceComputeOrder({ ...placeComputeOrder().data, ...overrides });

/** The fields a refusal names, sorted; [] when the request parses. */
const refusedFields = (overrides: Unparsed<PlaceComputeOrder['data']>) => {
  const parsed = request(overrides);
  return parsed.ok ? [] : parsed.errors.map((error) => error.field).sort();
};

describe('parsePlaceComputeOrder', () => {
  it('types a valid order, with its instants and slots in their stored form', () => {
    const parsed = request({
      placedAt: '2026-03-01T08:00:00Z',
      deadline: '2026-03-01T20:00:00.000Z',
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        ...placeComputeOrder(),
        data: {
          ...placeComputeOrder().data,
          placedAt: '2026-03-01T08:00:00.000Z',
          deadline: '2026-03-01T20:00:00Z',
        },
      },
    });
  });

  it('keeps an all-or-none order, a GPU model and every constraint', () => {
    const constraints = {
      jurisdictions: ['EU', 'CH', 'GCC'],
      sovereignOperator: true,
      maxDistanceKm: { origin: { lat: 48.85, lon: 2.35 }, km: 500 },
      renewableOnly: true,
      maxCarbonGPerKwh: 50,
    };
    const parsed = request({ allOrNone: true, gpuModel: 'H100', constraints });
    expect(parsed.ok && parsed.value.data).toMatchObject({
      allOrNone: true,
      gpuModel: 'H100',
      constraints,
    });
  });

  it('needs 1 to 10000 whole GPUs and at least one whole hour', () =>
    expect(refusedFields({ gpus: 0, hours: 1.5 })).toEqual(['gpus', 'hours']));

  it('needs a window [earliestStart, deadline) of at least the hours ordered', () =>
    expect(refusedFields({ hours: 11 })).toEqual(['deadline']));

  it('needs a deadline after the earliest start', () =>
    expect(refusedFields({ deadline: '2026-03-01T09:00:00Z' })).toEqual(['deadline']));

  it('keeps the window within a leap year', () =>
    expect(refusedFields({ deadline: '2027-03-03T10:00:00Z' })).toEqual(['deadline']));

  it('cannot start in a slot that is already over', () =>
    expect(refusedFields({ placedAt: '2026-03-01T11:20:00Z' })).toEqual(['earliestStart']));

  it('may start in the slot it is placed in', () =>
    expect(refusedFields({ placedAt: '2026-03-01T10:20:00Z' })).toEqual([]));

  it('uses whole UTC hours for its window', () =>
    expect(
      refusedFields({
        earliestStart: '2026-03-01T10:15:00Z',
        deadline: '2026-03-01T20:00:00+01:00',
      }),
    ).toEqual(['deadline', 'earliestStart']));

  it('bids a whole, non-negative number of minor units in a supported currency', () =>
    expect(refusedFields({ maxPricePerGpuHour: 2.5, currency: 'XYZ' })).toEqual([
      'currency',
      'maxPricePerGpuHour',
    ]));

  it('bids at most MAX_UNIT_PRICE, so the whole order gpus × hours × bid stays exact', () => {
    expect(refusedFields({ gpus: 100, maxPricePerGpuHour: 1e14 })).toEqual(['maxPricePerGpuHour']);
    expect(refusedFields({ maxPricePerGpuHour: MAX_UNIT_PRICE + 1 })).toEqual([
      'maxPricePerGpuHour',
    ]);
    expect(MAX_GPUS_PER_SITE * MAX_HORIZON_HOURS * MAX_UNIT_PRICE).toBeLessThan(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('accepts only country codes and the EU, EEA, GCC and US blocs as jurisdictions', () =>
    expect(refusedFields({ constraints: { jurisdictions: ['EU', 'ASEAN', 'fr', 'EU'] } })).toEqual([
      'constraints.jurisdictions[1]',
      'constraints.jurisdictions[2]',
      'constraints.jurisdictions[3]',
    ]));

  it('needs at least one jurisdiction when it restricts them', () =>
    expect(refusedFields({ constraints: { jurisdictions: [] } })).toEqual([
      'constraints.jurisdictions',
    ]));

  it('needs a real origin and a positive whole km for a distance limit', () =>
    expect(
      refusedFields({ constraints: { maxDistanceKm: { origin: { lat: 95, lon: 0 }, km: 0 } } }),
    ).toEqual(['constraints.maxDistanceKm.km', 'constraints.maxDistanceKm.origin.lat']));

  it('needs a whole, non-negative carbon limit', () =>
    expect(refusedFields({ constraints: { maxCarbonGPerKwh: -5 } })).toEqual([
      'constraints.maxCarbonGPerKwh',
    ]));

  it('rejects constraints it does not know rather than ignoring them', () =>
    expect(refusedFields({ constraints: { greenOnly: true } })).toEqual(['constraints.greenOnly']));

  it('needs ids for the order and its buyer, and an instant it is placed at', () =>
    expect(refusedFields({ orderId: '', buyerId: 'a b', placedAt: 'now' })).toEqual([
      'buyerId',
      'orderId',
      'placedAt',
    ]));
});
