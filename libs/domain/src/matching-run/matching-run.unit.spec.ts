import { rehydrate } from '../events.registry';
import { CorruptStreamError, fold } from '../shared/aggregate';
import { DeciderSpecification } from '../shared/decider-specification';
import {
  allocationInput,
  allocationMade,
  recordMatchingRun,
  secondAllocationInput,
} from '../testing/examples';
import {
  AllocationInput,
  AllocationMade,
  allocationById,
  allocationsOf,
  evolveMatchingRun,
  initialMatchingRunState,
  MatchingRun,
  MatchingRunCompleted,
  matchingRunDecider,
  MatchingRunEvent,
  matchingRunStreamId,
  MatchingRunState,
  RecordMatchingRun,
} from '.';

const spec = DeciderSpecification.for(matchingRunDecider);

const made = (input: AllocationInput, overrides: Partial<AllocationMade['data']> = {}) =>
  allocationMade({ ...(input as Omit<AllocationMade['data'], 'runId'>), ...overrides });

const completed = (
  overrides: Partial<MatchingRunCompleted['data']> = {},
): MatchingRunCompleted => ({
  type: 'MatchingRunCompleted',
  schemaVersion: 1,
  data: {
    runId: 'run-1',
    requestedBy: 'operator-1',
    completedAt: '2026-03-01T09:00:05.250Z',
    horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' },
    inputPosition: 42,
    inputHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    platformFeeBps: 1_000,
    welfare: 1_600,
    allocationCount: 2,
    filledGpuHours: 16,
    prices: [
      { siteId: 'site-1', slot: '2026-03-01T10:00:00Z', currency: 'EUR', pricePerGpuHour: 180 },
      { siteId: 'site-1', slot: '2026-03-01T11:00:00Z', currency: 'EUR', pricePerGpuHour: 190 },
    ],
    unfilledOrderIds: ['order-2'],
    ...overrides,
  },
});

const recorded: MatchingRunEvent[] = [
  made(allocationInput()),
  made(secondAllocationInput()),
  completed(),
];

/** The example run with only its first allocation (and its price). */
const oneAllocation = (
  input: Partial<AllocationInput> = {},
  run: Partial<RecordMatchingRun['data']> = {},
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

describe('RecordMatchingRun', () => {
  it('records one AllocationMade per allocation, in order, then the run', () =>
    spec.given([]).when(recordMatchingRun()).then(recorded));

  it('records a run that allocated nothing', () =>
    spec
      .given([])
      .when(recordMatchingRun({ allocations: [], prices: [], welfare: 0 }))
      .then([completed({ allocationCount: 0, filledGpuHours: 0, prices: [], welfare: 0 })]));

  it('stores slots and instants in their canonical form', () =>
    spec
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

  it('records a run once', () =>
    spec.given(recorded).when(recordMatchingRun()).thenThrows('conflict'));

  it('needs ids for the run, its requester, and every id of an allocation', () =>
    spec
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
    spec
      .given([])
      .when(recordMatchingRun({ completedAt: '2026-03-01T10:00:00+01:00' }))
      .thenThrows('invalid', ['completedAt']));

  it('needs a horizon [from, to) of whole hours with to after from', () => {
    spec
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T10:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['horizon.to']);
    spec
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:30:00Z', to: '2026-03-01T12:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['horizon.from']);
  });

  it('keeps the horizon within a leap year', () =>
    spec
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2027-03-02T11:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['horizon.to']));

  it('rejects a horizon with fields it does not know', () =>
    spec
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z', tz: 'CET' } as never,
        }),
      )
      .thenThrows('invalid', ['horizon.tz']));

  it('needs a whole, non-negative input position', () =>
    spec
      .given([])
      .when(recordMatchingRun({ inputPosition: -1 }))
      .thenThrows('invalid', ['inputPosition']));

  it('needs the input hash as 64 lowercase hex digits', () => {
    for (const inputHash of ['ab'.repeat(31), 'AB'.repeat(32), 'sha256:' + 'a'.repeat(64)]) {
      spec.given([]).when(recordMatchingRun({ inputHash })).thenThrows('invalid', ['inputHash']);
    }
  });

  it('needs a platform fee from 0 to 9999 bps', () =>
    spec
      .given([])
      .when(recordMatchingRun({ platformFeeBps: 10_000 }))
      .thenThrows('invalid', ['platformFeeBps']));

  it('keeps the welfare as given, a whole non-negative number of minor units', () => {
    spec
      .given([])
      .when(recordMatchingRun({ welfare: 16.5 }))
      .thenThrows('invalid', ['welfare']);
    spec
      .given([])
      .when(recordMatchingRun({ welfare: 123_456 }))
      .then([...recorded.slice(0, 2), completed({ welfare: 123_456 })]);
  });

  it('needs every allocation slot inside the horizon', () =>
    spec
      .given([])
      .when(
        recordMatchingRun({
          horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T11:00:00Z' },
        }),
      )
      .thenThrows('invalid', ['allocations[1].slot', 'prices[1].slot']));

  it('needs every price slot inside the horizon', () =>
    spec
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
    spec
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
      spec.given([]).when(oneAllocation({ gpus })).thenThrows('invalid', ['allocations[0].gpus']);
    }
  });

  it('needs whole minor units for prices and reserves', () =>
    spec
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
      spec
        .given([])
        .when(oneAllocation({ energyPerGpuHourWh }))
        .thenThrows('invalid', ['allocations[0].energyPerGpuHourWh']);
    }
  });

  it('needs the energy of each offer in positive whole Wh, with a known source and carbon', () =>
    spec
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
    spec
      .given([])
      .when(oneAllocation({ energy: [] }))
      .thenThrows('invalid', ['allocations[0].energy']);
    const half = { ...allocationInput().energy[0], wh: 3_152 };
    spec
      .given([])
      .when(oneAllocation({ energy: [half, half] }))
      .thenThrows('invalid', ['allocations[0].energy[1].offerId']);
  });

  it('needs at least gpus × energyPerGpuHourWh Wh of energy', () =>
    spec
      .given([])
      .when(oneAllocation({ energy: [{ ...allocationInput().energy[0], wh: 6_303 }] }))
      .thenThrows('invalid', ['allocations[0].energy']));

  it('may give an allocation more energy than its GPUs need', () =>
    spec
      .given([])
      .when(oneAllocation({ energy: [{ ...allocationInput().energy[0], wh: 7_000 }] }))
      .then([
        made(allocationInput({ energy: [{ ...allocationInput().energy[0], wh: 7_000 }] })),
        completed({ allocationCount: 1, filledGpuHours: 8, prices: [completed().data.prices[0]] }),
      ]));

  it('needs a valid site snapshot, with nothing more', () =>
    spec
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
    spec
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
    spec
      .given([])
      .when(oneAllocation({ reservePerGpuHour: 181 }))
      .thenThrows('invalid', ['allocations[0].pricePerGpuHour']));

  it('clears at the reserve', () =>
    spec
      .given([])
      .when(oneAllocation({ reservePerGpuHour: 180 }))
      .then([
        made(allocationInput({ reservePerGpuHour: 180 })),
        completed({ allocationCount: 1, filledGpuHours: 8, prices: [completed().data.prices[0]] }),
      ]));

  it('charges every allocation the listed clearing price of its site and slot', () =>
    spec
      .given([])
      .when(oneAllocation({ pricePerGpuHour: 200 }))
      .thenThrows('invalid', ['allocations[0].pricePerGpuHour']));

  it('lists a clearing price for every site and slot with an allocation', () =>
    spec
      .given([])
      .when(oneAllocation({}, { prices: [] }))
      .thenThrows('invalid', ['allocations[0].pricePerGpuHour']));

  it('charges an allocation in the currency of its clearing price', () =>
    spec
      .given([])
      .when(
        oneAllocation({}, { prices: [{ ...recordMatchingRun().data.prices[0], currency: 'CHF' }] }),
      )
      .thenThrows('invalid', ['allocations[0].currency']));

  it('lists one price per site and slot', () =>
    spec
      .given([])
      .when(
        recordMatchingRun({
          prices: [...recordMatchingRun().data.prices, recordMatchingRun().data.prices[0]],
        }),
      )
      .thenThrows('invalid', ['prices[2].slot']));

  it('lists prices only for sites and slots it allocated', () =>
    spec
      .given([])
      .when(oneAllocation({}, { prices: recordMatchingRun().data.prices }))
      .thenThrows('invalid', ['prices[1]']));

  it('prices a site in one currency', () =>
    spec
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
    spec
      .given([])
      .when(runWith(allocationInput(), secondAllocationInput({ allocationId: 'alloc-1' })))
      .thenThrows('invalid', ['allocations[1].allocationId']));

  it('gives an order at most one allocation per slot', () =>
    spec
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
    spec
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
    spec
      .given([])
      .when(
        recordMatchingRun({
          allocations: [allocationInput(), onSite2({ buyerId: 'buyer-2' })],
          prices: [recordMatchingRun().data.prices[0], site2Price],
        }),
      )
      .thenThrows('invalid', ['allocations[1].buyerId', 'allocations[1].currency']));

  it('lets an order run on different sites in different slots', () =>
    spec
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
    spec
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
    spec
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
    spec
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
    spec
      .given([])
      .when(recordMatchingRun({ unfilledOrderIds: ['order-2', 'order-3', 'order-2'] }))
      .thenThrows('invalid', ['unfilledOrderIds[2]']));

  it('reports every invalid field at once', () =>
    spec
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

describe('matching run state', () => {
  const run = () => rehydrate(matchingRunDecider, recorded) as MatchingRun;

  it('keeps the allocations by id and the summary', () => {
    const state = run();
    expect(state.status).toBe('completed');
    expect(state.allocations['alloc-2']).toEqual(made(secondAllocationInput()).data);
    expect(state.status === 'completed' && state.summary).toEqual(completed().data);
  });

  it('lists the allocations in the order the run made them', () => {
    expect(allocationsOf(run()).map((a) => a.allocationId)).toEqual(['alloc-1', 'alloc-2']);
    expect(allocationById(run(), 'alloc-1')).toEqual(made(allocationInput()).data);
    expect(allocationById(run(), 'constructor')).toBeUndefined();
  });

  it('has no allocations before the run is recorded', () => {
    expect(allocationsOf(initialMatchingRunState())).toEqual([]);
    expect(allocationById(initialMatchingRunState(), 'alloc-1')).toBeUndefined();
  });

  it('reads the same one event at a time as in one pass', () => {
    const stepwise = fold(evolveMatchingRun, initialMatchingRunState(), recorded);
    expect(stepwise).toEqual(run());
  });

  it('folds a large run in one pass', () => {
    const events: MatchingRunEvent[] = Array.from({ length: 20_000 }, (_, i) =>
      made(allocationInput(), { allocationId: `alloc-${i}` }),
    );
    events.push(completed({ allocationCount: 20_000, filledGpuHours: 160_000 }));
    const started = Date.now();
    const state = rehydrate(matchingRunDecider, events);
    expect(allocationsOf(state)).toHaveLength(20_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each<[string, MatchingRunEvent[]]>([
    [
      'an allocation after the run completed',
      [...recorded, made(allocationInput(), { allocationId: 'alloc-3' })],
    ],
    ['an allocation made twice', [made(allocationInput()), made(allocationInput())]],
    [
      'an allocation of another run',
      [made(allocationInput()), made(secondAllocationInput(), { runId: 'run-2' })],
    ],
    ['a count that disagrees with the allocations', [made(allocationInput()), completed()]],
    ['a run completed twice', [...recorded, completed()]],
  ])('refuses a stream with %s', (_, events) => {
    expect(() =>
      fold(evolveMatchingRun, initialMatchingRunState() as MatchingRunState, events),
    ).toThrow(CorruptStreamError);
    expect(() => rehydrate(matchingRunDecider, events)).toThrow(CorruptStreamError);
  });

  it('lives in a stream whose prefix has no dash', () =>
    expect(matchingRunStreamId('run-1')).toBe('matchingrun-run-1'));
});
