import { DeciderSpecification } from '../shared/decider-specification';
import { valueOrThrow } from '../shared/validation';
import { parseRecordMatchingRun } from './matching-run.parse';
import {
  allocationInput,
  recordMatchingRun,
  secondAllocationInput,
  completed,
  made,
  recorded,
} from '../testing/examples';
import { AllocationInput, matchingRunDecider, MatchingRunEvent, RecordMatchingRun } from '.';

const spec = DeciderSpecification.for(matchingRunDecider);

/**
 * The decider's specification fed what parse makes of the engine's output: a refused record
 * names its fields; a typed one is decided on the given stream.
 */
const edge = {
  given: (events: MatchingRunEvent[]) => ({
    when: (command: RecordMatchingRun) => {
      const parsed = parseRecordMatchingRun(command.data);
      return {
        then: (expected: MatchingRunEvent[]) =>
          spec.given(events).when(valueOrThrow(parsed)).then(expected),
        thenThrows: (code: 'invalid', fields: string[]) => {
          expect(code).toBe('invalid');
          expect(parsed.ok ? [] : parsed.errors.map((error) => error.field).sort()).toEqual(
            [...fields].sort(),
          );
        },
      };
    },
  }),
};

/** The example run with only its first allocation (and its price). */
const oneAllocation = (
  input: Partial<AllocationInput> = {},
  run: Parameters<typeof recordMatchingRun>[0] = {},
): RecordMatchingRun =>
  recordMatchingRun({
    allocations: [allocationInput(input)],
    prices: [recordMatchingRun().data.prices[0]],
    ...run,
  });

/** Order 1 at 11:00 on a Swiss site priced in CHF, on hydro energy of producer 2. */
const onSite2 = (overrides: Partial<AllocationInput> = {}): AllocationInput =>
  secondAllocationInput({
    siteId: 'site-2',
    currency: 'CHF',
    energyPerGpuHourWh: 700,
    reservePerGpuHour: 120,
    energy: [
      {
        offerId: 'offer-3',
        producerId: 'producer-2',
        wh: 5_600,
        source: 'hydro',
        carbonGPerKwh: 5,
        floorPricePerMwh: 3_000,
      },
    ],
    site: {
      country: 'CH',
      operatorJurisdiction: 'CH',
      operatorLegalEntity: 'Policloud Suisse SA',
      certifications: [],
      hostParticipantId: 'host-2',
      gpuModel: 'H100',
    },
    ...overrides,
  });
const site2Price = {
  siteId: 'site-2',
  slot: '2026-03-01T11:00:00Z',
  currency: 'CHF',
  pricePerGpuHour: 190,
} as const;

const runWith = (...allocations: AllocationInput[]) =>
  recordMatchingRun({ allocations, prices: recordMatchingRun().data.prices });

describe('parseRecordMatchingRun', () => {
  it('stores slots and instants in their canonical form', () =>
    edge
      .given([])
      .when(
        oneAllocation(
          { slot: '2026-03-01T10:00:00.000Z' },
          {
            completedAt: '2026-03-01T09:00:05.25Z',
            horizon: { from: '2026-03-01T10:00:00.000Z', to: '2026-03-01T12:00:00Z' },
          },
        ),
      )
      .then([
        made(allocationInput()),
        completed({ allocationCount: 1, filledGpuHours: 8, prices: [completed().data.prices[0]] }),
      ]));

  it('needs ids for the run, its requester, and every id of an allocation', () =>
    edge
      .given([])
      .when(
        oneAllocation(
          { allocationId: '', orderId: ' order-1', buyerId: 'buyer 1', siteId: '-site' },
          { runId: 'run/1', requestedBy: 42 as never },
        ),
      )
      .thenThrows('invalid', [
        'runId',
        'requestedBy',
        'allocations[0].allocationId',
        'allocations[0].orderId',
        'allocations[0].buyerId',
        'allocations[0].siteId',
      ]));

  it('needs a UTC completion instant', () =>
    edge
      .given([])
      .when(recordMatchingRun({ completedAt: '2026-03-01T10:00:00+01:00' }))
      .thenThrows('invalid', ['completedAt']));

  it('needs a horizon [from, to) of whole hours with to after from', () => {
    edge
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T10:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['horizon.to']);
    edge
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:30:00Z', to: '2026-03-01T12:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['horizon.from']);
  });

  it('keeps the horizon within a leap year', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2027-03-02T11:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['horizon.to']));

  it('rejects a horizon with fields it does not know', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z', tz: 'CET' } as never,
        }),
      )
      .thenThrows('invalid', ['horizon.tz']));

  it('needs a whole, non-negative input position', () =>
    edge
      .given([])
      .when(recordMatchingRun({ inputPosition: -1 }))
      .thenThrows('invalid', ['inputPosition']));

  it('needs the input hash as 64 lowercase hex digits', () => {
    for (const inputHash of ['ab'.repeat(31), 'AB'.repeat(32), 'sha256:' + 'a'.repeat(64)]) {
      edge.given([]).when(recordMatchingRun({ inputHash })).thenThrows('invalid', ['inputHash']);
    }
  });

  it('needs a platform fee from 0 to 9999 bps', () =>
    edge
      .given([])
      .when(recordMatchingRun({ platformFeeBps: 10_000 }))
      .thenThrows('invalid', ['platformFeeBps']));

  it('keeps the welfare as given, a whole non-negative number of minor units', () => {
    edge
      .given([])
      .when(recordMatchingRun({ welfare: 16.5 }))
      .thenThrows('invalid', ['welfare']);
    edge
      .given([])
      .when(recordMatchingRun({ welfare: 123_456 }))
      .then([...recorded.slice(0, -1), completed({ welfare: 123_456 })]);
  });

  it('needs every allocation slot inside the horizon', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T11:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['allocations[1].slot', 'prices[1].slot']));

  it('needs every price slot inside the horizon', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          prices: [
            ...recordMatchingRun().data.prices,
            {
              siteId: 'site-2',
              slot: '2026-03-01T12:00:00Z',
              currency: 'EUR',
              pricePerGpuHour: 200,
            },
          ],
        }),
      )
      .thenThrows('invalid', ['prices[2].slot', 'prices[2]']));

  it('needs ISO codes for the site country, operator jurisdiction and currency', () =>
    edge
      .given([])
      .when(
        oneAllocation(
          {
            currency: 'EURO',
            site: { ...allocationInput().site, country: 'UK', operatorJurisdiction: 'EU' },
          },
          { prices: [{ ...recordMatchingRun().data.prices[0], currency: 'eur' }] },
        ),
      )
      .thenThrows('invalid', [
        'allocations[0].currency',
        'allocations[0].site.country',
        'allocations[0].site.operatorJurisdiction',
        'prices[0].currency',
      ]));

  it('needs 1 to 10000 whole GPUs per allocation', () => {
    for (const gpus of [0, 10_001, 2.5]) {
      edge.given([]).when(oneAllocation({ gpus })).thenThrows('invalid', ['allocations[0].gpus']);
    }
  });

  it('needs whole minor units for prices and reserves', () =>
    edge
      .given([])
      .when(
        oneAllocation(
          { pricePerGpuHour: 1.8, reservePerGpuHour: -1 },
          { prices: [{ ...recordMatchingRun().data.prices[0], pricePerGpuHour: '180' as never }] },
        ),
      )
      .thenThrows('invalid', [
        'allocations[0].pricePerGpuHour',
        'allocations[0].reservePerGpuHour',
        'prices[0].pricePerGpuHour',
      ]));

  it('needs a positive whole energy per GPU-hour, at most 30 kWh', () => {
    for (const energyPerGpuHourWh of [0, 30_001, 788.5]) {
      edge
        .given([])
        .when(oneAllocation({ energyPerGpuHourWh }))
        .thenThrows('invalid', ['allocations[0].energyPerGpuHourWh']);
    }
  });

  it('needs the energy of each offer in positive whole Wh, with a known source and carbon', () =>
    edge
      .given([])
      .when(
        oneAllocation({
          energy: [
            {
              offerId: 'offer-1',
              producerId: 'producer-1',
              wh: 0,
              source: 'nuclear' as never,
              carbonGPerKwh: 2_001,
              floorPricePerMwh: 4_000.5,
            },
          ],
        }),
      )
      .thenThrows('invalid', [
        'allocations[0].energy[0].wh',
        'allocations[0].energy[0].source',
        'allocations[0].energy[0].carbonGPerKwh',
        'allocations[0].energy[0].floorPricePerMwh',
      ]));

  it('needs energy for every allocation, each offer once', () => {
    edge
      .given([])
      .when(oneAllocation({ energy: [] }))
      .thenThrows('invalid', ['allocations[0].energy']);
    const half = { ...allocationInput().energy[0], wh: 3_152 };
    edge
      .given([])
      .when(oneAllocation({ energy: [half, half] }))
      .thenThrows('invalid', ['allocations[0].energy[1].offerId']);
  });

  it('needs at least gpus × energyPerGpuHourWh Wh of energy', () =>
    edge
      .given([])
      .when(oneAllocation({ energy: [{ ...allocationInput().energy[0], wh: 6_303 }] }))
      .thenThrows('invalid', ['allocations[0].energy']));

  it('may give an allocation more energy than its GPUs need', () =>
    edge
      .given([])
      .when(oneAllocation({ energy: [{ ...allocationInput().energy[0], wh: 7_000 }] }))
      .then([
        made(allocationInput({ energy: [{ ...allocationInput().energy[0], wh: 7_000 }] })),
        completed({ allocationCount: 1, filledGpuHours: 8, prices: [completed().data.prices[0]] }),
      ]));

  it('needs a valid site snapshot, with nothing more', () =>
    edge
      .given([])
      .when(
        oneAllocation({
          site: {
            ...allocationInput().site,
            operatorLegalEntity: ' ',
            certifications: ['SecNumCloud', 'SecNumCloud'],
            hostParticipantId: '',
            gpuModel: '',
            status: 'active',
          } as never,
        }),
      )
      .thenThrows('invalid', [
        'allocations[0].site.operatorLegalEntity',
        'allocations[0].site.certifications[1]',
        'allocations[0].site.hostParticipantId',
        'allocations[0].site.gpuModel',
        'allocations[0].site.status',
      ]));

  it('rejects allocation fields it does not know, and missing ones', () => {
    const { reservePerGpuHour: _, ...withoutReserve } = allocationInput();
    edge
      .given([])
      .when(
        recordMatchingRun({
          allocations: [{ ...withoutReserve, distanceKm: 12 } as never],
          prices: [recordMatchingRun().data.prices[0]],
        }),
      )
      .thenThrows('invalid', ['allocations[0].reservePerGpuHour', 'allocations[0].distanceKm']);
  });

  it('never clears below the reserve', () =>
    edge
      .given([])
      .when(oneAllocation({ reservePerGpuHour: 181 }))
      .thenThrows('invalid', ['allocations[0].pricePerGpuHour']));

  it('clears at the reserve', () =>
    edge
      .given([])
      .when(oneAllocation({ reservePerGpuHour: 180 }))
      .then([
        made(allocationInput({ reservePerGpuHour: 180 })),
        completed({ allocationCount: 1, filledGpuHours: 8, prices: [completed().data.prices[0]] }),
      ]));

  it('charges every allocation the listed clearing price of its site and slot', () =>
    edge
      .given([])
      .when(oneAllocation({ pricePerGpuHour: 200 }))
      .thenThrows('invalid', ['allocations[0].pricePerGpuHour']));

  it('lists a clearing price for every site and slot with an allocation', () =>
    edge
      .given([])
      .when(oneAllocation({}, { prices: [] }))
      .thenThrows('invalid', ['allocations[0].pricePerGpuHour']));

  it('charges an allocation in the currency of its clearing price', () =>
    edge
      .given([])
      .when(
        oneAllocation({}, { prices: [{ ...recordMatchingRun().data.prices[0], currency: 'CHF' }] }),
      )
      .thenThrows('invalid', ['allocations[0].currency']));

  it('lists one price per site and slot', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          prices: [...recordMatchingRun().data.prices, recordMatchingRun().data.prices[0]],
        }),
      )
      .thenThrows('invalid', ['prices[2].slot']));

  it('lists prices only for sites and slots it allocated', () =>
    edge
      .given([])
      .when(oneAllocation({}, { prices: recordMatchingRun().data.prices }))
      .thenThrows('invalid', ['prices[1]']));

  it('prices a site in one currency', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          allocations: [
            allocationInput(),
            secondAllocationInput({
              orderId: 'order-2',
              buyerId: 'buyer-2',
              currency: 'CHF',
              energy: [{ ...onSite2().energy[0], wh: 6_304 }],
            }),
          ],
          prices: [
            recordMatchingRun().data.prices[0],
            { ...recordMatchingRun().data.prices[1], currency: 'CHF' },
          ],
        }),
      )
      .thenThrows('invalid', ['prices[1].currency']));

  it('makes each allocation id once', () =>
    edge
      .given([])
      .when(runWith(allocationInput(), secondAllocationInput({ allocationId: 'alloc-1' })))
      .thenThrows('invalid', ['allocations[1].allocationId']));

  it('gives an order at most one allocation per slot', () =>
    edge
      .given([])
      .when(
        runWith(
          allocationInput({ gpus: 4, energy: [{ ...allocationInput().energy[0], wh: 3_152 }] }),
          secondAllocationInput({
            slot: '2026-03-01T10:00:00Z',
            pricePerGpuHour: 180,
            gpus: 4,
            energy: [{ ...allocationInput().energy[0], wh: 3_152 }],
          }),
        ),
      )
      .thenThrows('invalid', ['allocations[1].orderId', 'prices[1]']));

  it('lets different orders share a site and slot', () => {
    const half = (allocationId: string, orderId: string, buyerId: string) =>
      allocationInput({
        allocationId,
        orderId,
        buyerId,
        gpus: 4,
        energy: [{ ...allocationInput().energy[0], wh: 3_152 }],
      });
    const allocations = [
      half('alloc-1', 'order-1', 'buyer-1'),
      half('alloc-2', 'order-2', 'buyer-2'),
    ];
    edge
      .given([])
      .when(oneAllocation({}, { allocations, unfilledOrderIds: [] }))
      .then([
        ...allocations.map((allocation) => made(allocation)),
        completed({
          allocationCount: 2,
          filledGpuHours: 8,
          prices: [completed().data.prices[0]],
          unfilledOrderIds: [],
        }),
      ]);
  });

  it('names the same buyer and currency for every allocation of an order', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          allocations: [allocationInput(), onSite2({ buyerId: 'buyer-2' })],
          prices: [recordMatchingRun().data.prices[0], site2Price],
        }),
      )
      .thenThrows('invalid', ['allocations[1].buyerId', 'allocations[1].currency']));

  it('lets an order run on different sites in different slots', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          allocations: [allocationInput(), onSite2({ currency: 'EUR' })],
          prices: [recordMatchingRun().data.prices[0], { ...site2Price, currency: 'EUR' }],
        }),
      )
      .then([
        made(allocationInput()),
        made(onSite2({ currency: 'EUR' })),
        completed({
          prices: [completed().data.prices[0], { ...site2Price, currency: 'EUR' }],
        }),
      ]));

  it('describes a site the same way in every allocation: one snapshot', () => {
    edge
      .given([])
      .when(
        runWith(
          allocationInput(),
          secondAllocationInput({
            site: { ...allocationInput().site, certifications: [] },
          }),
        ),
      )
      .thenThrows('invalid', ['allocations[1].site']);
    edge
      .given([])
      .when(
        runWith(
          allocationInput(),
          secondAllocationInput({
            energyPerGpuHourWh: 700,
            energy: [{ ...allocationInput().energy[0], wh: 5_600 }],
          }),
        ),
      )
      .thenThrows('invalid', ['allocations[1].site']);
  });

  it('describes an offer the same way in every allocation: one snapshot', () =>
    edge
      .given([])
      .when(
        runWith(
          allocationInput(),
          secondAllocationInput({
            energy: [
              { ...secondAllocationInput().energy[0], carbonGPerKwh: 11 },
              secondAllocationInput().energy[1],
            ],
          }),
        ),
      )
      .thenThrows('invalid', ['allocations[1].energy[0]']));

  it('lists each unfilled order once', () =>
    edge
      .given([])
      .when(recordMatchingRun({ unfilledOrderIds: ['order-2', 'order-3', 'order-2'] }))
      .thenThrows('invalid', ['unfilledOrderIds[2]']));

  it('reports every invalid field at once', () =>
    edge
      .given([])
      .when(
        recordMatchingRun({
          runId: '',
          inputPosition: 1.5,
          allocations: [allocationInput({ gpus: 0 }), secondAllocationInput({ slot: 'soon' })],
        }),
      )
      .thenThrows('invalid', [
        'runId',
        'inputPosition',
        'allocations[0].gpus',
        'allocations[1].slot',
      ]));
});
