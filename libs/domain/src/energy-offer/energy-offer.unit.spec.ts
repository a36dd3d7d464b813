import { DeciderSpecification } from '../shared/decider-specification';
import {
  agreementSet,
  energyAllocated,
  listEnergyOffer,
  offerContext,
  siteAfter,
  siteRegistered,
} from '../testing/examples';
import {
  evolveEnergyOfferAll,
  initialEnergyOfferState,
  deliverableWh,
  energyOfferDecider,
  EnergyOffer,
  evolveEnergyOffer,
  unallocatedWh,
} from '.';
import { AmendEnergyOffer, ReportCurtailment, WithdrawEnergyOffer } from './energy-offer.commands';
import {
  CurtailmentReported,
  EnergyOfferAmended,
  EnergyOfferListed,
  EnergyOfferWithdrawn,
  SlotEnergy,
} from './energy-offer.events';
import { rehydrate } from '../events.registry';
import { parseWithdrawEnergyOffer } from './energy-offer.parse';

const spec = DeciderSpecification.for(energyOfferDecider);
const site = siteAfter([siteRegistered(), agreementSet()]);
const context = offerContext(site);

const listed = (overrides: Partial<EnergyOfferListed['data']> = {}): EnergyOfferListed => ({
  type: 'EnergyOfferListed',
  schemaVersion: 1,
  data: {
    offerId: 'offer-1',
    producerId: 'producer-1',
    listedAt: '2026-03-01T08:30:00.000Z',
    siteIds: ['site-1'],
    source: 'wind',
    carbonGPerKwh: 12,
    floorPricePerMwh: 4_000,
    currency: 'EUR',
    profile: [
      { slot: '2026-03-01T10:00:00Z', wh: 150_000 },
      { slot: '2026-03-01T11:00:00Z', wh: 200_000 },
    ],
    ...overrides,
  },
});

const amend = (
  profile: SlotEnergy[],
  overrides: Partial<AmendEnergyOffer['data']> = {},
): AmendEnergyOffer => ({
  type: 'AmendEnergyOffer',
  data: {
    offerId: 'offer-1',
    actorId: 'producer-1',
    amendedAt: '2026-03-01T09:00:00.000Z',
    profile,
    ...overrides,
  },
});
const amended = (profile: SlotEnergy[]): EnergyOfferAmended => ({
  type: 'EnergyOfferAmended',
  schemaVersion: 1,
  data: { offerId: 'offer-1', amendedAt: '2026-03-01T09:00:00.000Z', profile },
});

const withdraw = (actorId = 'producer-1'): WithdrawEnergyOffer => ({
  type: 'WithdrawEnergyOffer',
  data: { offerId: 'offer-1', actorId, withdrawnAt: '2026-03-01T09:15:00.000Z' },
});
const withdrawn = (releasedWh: number): EnergyOfferWithdrawn => ({
  type: 'EnergyOfferWithdrawn',
  schemaVersion: 1,
  data: { offerId: 'offer-1', withdrawnAt: '2026-03-01T09:15:00.000Z', releasedWh },
});

const curtail = (overrides: Partial<ReportCurtailment['data']> = {}): ReportCurtailment => ({
  type: 'ReportCurtailment',
  data: {
    offerId: 'offer-1',
    actorId: 'producer-1',
    slot: '2026-03-01T10:00:00Z',
    whCurtailed: 40_000,
    reportedAt: '2026-03-01T11:05:00.000Z',
    ...overrides,
  },
});
const curtailed = (whCurtailed: number): CurtailmentReported => ({
  type: 'CurtailmentReported',
  schemaVersion: 1,
  data: {
    offerId: 'offer-1',
    slot: '2026-03-01T10:00:00Z',
    whCurtailed,
    reportedAt: '2026-03-01T11:05:00.000Z',
  },
});

const offerAfter = (...events: Parameters<typeof evolveEnergyOffer>[1][]): EnergyOffer =>
  rehydrate(energyOfferDecider, events) as EnergyOffer;

describe('ListEnergyOffer', () => {
  it('lists hourly surplus for a site whose agreement names the producer, profile sorted by slot', () =>
    spec.given([]).when(listEnergyOffer(), context).then([listed()]));

  it('names only sites that exist', () =>
    spec
      .given([])
      .when(listEnergyOffer({ siteIds: ['site-9'] }), context)
      .thenThrows('invalid', ['siteIds[0]']));

  it('feeds no decommissioned site', () =>
    spec
      .given([])
      .when(listEnergyOffer(), offerContext({ ...site, status: 'decommissioned' }))
      .thenThrows('conflict'));

  it('is forbidden to a producer the agreement does not name', () =>
    spec
      .given([])
      .when(listEnergyOffer({ producerId: 'producer-2' }), context)
      .thenThrows('forbidden', ['siteIds[0]']));

  it('is forbidden for slots before any agreement takes effect', () =>
    spec
      .given([])
      .when(
        listEnergyOffer(),
        offerContext(
          siteAfter([siteRegistered(), agreementSet({ effectiveFrom: '2026-03-01T11:00:00Z' })]),
        ),
      )
      .thenThrows('forbidden', ['siteIds[0]']));

  it('is forbidden for slots after a new agreement drops the producer', () => {
    const dropped = siteAfter([
      siteRegistered(),
      agreementSet(),
      agreementSet({
        version: 2,
        effectiveFrom: '2026-03-01T11:00:00Z',
        producers: [{ participantId: 'producer-2' }],
      }),
    ]);
    spec
      .given([])
      .when(listEnergyOffer(), offerContext(dropped))
      .thenThrows('forbidden', ['siteIds[0]']);
  });

  it("is priced in the site's currency", () =>
    spec
      .given([])
      .when(listEnergyOffer({ currency: 'CHF' }), context)
      .thenThrows('invalid', ['currency']));

  it('lists an offer once', () =>
    spec.given([listed()]).when(listEnergyOffer(), context).thenThrows('conflict'));
});

describe('AmendEnergyOffer', () => {
  it('replaces the Wh of some slots, adds new ones and records only what changed', () =>
    spec
      .given([listed()])
      .when(
        amend([
          { slot: '2026-03-01T12:00:00Z', wh: 90_000 },
          { slot: '2026-03-01T11:00:00Z', wh: 200_000 },
          { slot: '2026-03-01T10:00:00Z', wh: 120_000 },
        ]),
        context,
      )
      .then([
        amended([
          { slot: '2026-03-01T10:00:00Z', wh: 120_000 },
          { slot: '2026-03-01T12:00:00Z', wh: 90_000 },
        ]),
      ]));

  it('adds the slots an amendment offers for the first time', () => {
    const added = amended([
      { slot: '2026-03-01T09:00:00Z', wh: 10 },
      { slot: '2026-03-01T11:00:00Z', wh: 30 },
    ]);
    const offer = offerAfter(listed(), added);
    expect(offer.slots['2026-03-01T09:00:00Z']).toEqual({
      offeredWh: 10,
      allocatedWh: 0,
      curtailedWh: 0,
    });
    expect(offer.slots['2026-03-01T11:00:00Z']).toEqual({
      offeredWh: 30,
      allocatedWh: 0,
      curtailedWh: 0,
    });
  });

  it('changes nothing when every slot keeps its Wh', () =>
    spec
      .given([listed()])
      .when(amend([{ slot: '2026-03-01T10:00:00Z', wh: 150_000 }]), context)
      .thenNothingHappens());

  it('takes back unallocated energy down to zero', () =>
    spec
      .given([listed()])
      .when(amend([{ slot: '2026-03-01T10:00:00Z', wh: 0 }]), context)
      .then([amended([{ slot: '2026-03-01T10:00:00Z', wh: 0 }])]));

  it('cannot go below the Wh already allocated in a slot', () =>
    spec
      .given([listed(), energyAllocated({ wh: 50_000 })])
      .when(amend([{ slot: '2026-03-01T10:00:00Z', wh: 49_999 }]), context)
      .thenThrows('conflict', ['profile[0].wh']));

  it('may go down to exactly the allocated Wh', () =>
    spec
      .given([listed(), energyAllocated({ wh: 50_000 })])
      .when(amend([{ slot: '2026-03-01T10:00:00Z', wh: 50_000 }]), context)
      .then([amended([{ slot: '2026-03-01T10:00:00Z', wh: 50_000 }])]));

  it('offers more only where an agreement still names the producer', () => {
    const dropped = siteAfter([
      siteRegistered(),
      agreementSet(),
      agreementSet({
        version: 2,
        effectiveFrom: '2026-03-02T00:00:00Z',
        producers: [{ participantId: 'producer-2' }],
      }),
    ]);
    spec
      .given([listed()])
      .when(amend([{ slot: '2026-03-02T10:00:00Z', wh: 1_000 }]), offerContext(dropped))
      .thenThrows('forbidden', ['siteIds[0]']);
    spec
      .given([listed()])
      .when(amend([{ slot: '2026-03-01T11:00:00Z', wh: 1_000 }]), offerContext(dropped))
      .then([amended([{ slot: '2026-03-01T11:00:00Z', wh: 1_000 }])]);
  });

  it('adds no slot that would make the offer span more than a leap year', () => {
    const farSite = siteAfter([siteRegistered(), agreementSet()]);
    spec
      .given([listed()])
      .when(amend([{ slot: '2028-03-01T10:00:00Z', wh: 1_000 }]), offerContext(farSite))
      .thenThrows('invalid', ['profile']);
    spec
      .given([listed()])
      .when(amend([{ slot: '2027-03-02T09:00:00Z', wh: 1_000 }]), offerContext(farSite))
      .then([amended([{ slot: '2027-03-02T09:00:00Z', wh: 1_000 }])]);
  });

  it("is forbidden to anyone but the offer's producer", () =>
    spec
      .given([listed()])
      .when(amend([{ slot: '2026-03-01T10:00:00Z', wh: 1 }], { actorId: 'producer-2' }), context)
      .thenThrows('forbidden'));

  it('cannot amend a withdrawn offer', () =>
    spec
      .given([listed(), withdrawn(350_000)])
      .when(amend([{ slot: '2026-03-01T10:00:00Z', wh: 1 }]), context)
      .thenThrows('conflict'));

  it('amends only a listed offer', () =>
    spec
      .given([])
      .when(amend([{ slot: '2026-03-01T10:00:00Z', wh: 1 }]), context)
      .thenThrows('not_found'));
});

describe('WithdrawEnergyOffer', () => {
  it('withdraws the unallocated part and keeps what is allocated', () => {
    spec
      .given([listed(), energyAllocated({ wh: 50_000 })])
      .when(withdraw(), context)
      .then([withdrawn(300_000)]);
    const offer = offerAfter(listed(), energyAllocated({ wh: 50_000 }), withdrawn(300_000));
    expect(offer.status).toBe('withdrawn');
    expect(offer.slots['2026-03-01T10:00:00Z']).toEqual({
      offeredWh: 50_000,
      allocatedWh: 50_000,
      curtailedWh: 0,
    });
    expect(unallocatedWh(offer, '2026-03-01T11:00:00Z')).toBe(0);
  });

  it("is forbidden to anyone but the offer's producer", () =>
    spec.given([listed()]).when(withdraw('producer-2'), context).thenThrows('forbidden'));

  it('withdraws an offer once', () =>
    spec
      .given([listed(), withdrawn(350_000)])
      .when(withdraw(), context)
      .thenThrows('conflict'));

  it('has nothing to withdraw once everything is allocated', () =>
    spec
      .given([
        listed(),
        energyAllocated({ wh: 150_000 }),
        energyAllocated({ slot: '2026-03-01T11:00:00Z', wh: 200_000, allocationId: 'alloc-2' }),
      ])
      .when(withdraw(), context)
      .thenThrows('conflict'));

  it('withdraws only a listed offer', () =>
    spec.given([]).when(withdraw(), context).thenThrows('not_found'));
});

describe('WithdrawEnergyOffer of some future slots', () => {
  const withdrawSlots = (from: string, to: string): WithdrawEnergyOffer => ({
    type: 'WithdrawEnergyOffer',
    data: {
      offerId: 'offer-1',
      actorId: 'producer-1',
      withdrawnAt: '2026-03-01T09:00:00.000Z',
      slots: { from, to },
    },
  });

  it('keeps only the allocated energy of the slots in the range; the offer stays open', () => {
    spec
      .given([listed(), energyAllocated({ wh: 50_000 })])
      .when(withdrawSlots('2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z'), context)
      .then([amended([{ slot: '2026-03-01T10:00:00Z', wh: 50_000 }])]);
    const offer = offerAfter(
      listed(),
      energyAllocated({ wh: 50_000 }),
      amended([{ slot: '2026-03-01T10:00:00Z', wh: 50_000 }]),
    );
    expect(offer.status).toBe('open');
    expect(unallocatedWh(offer, '2026-03-01T10:00:00Z')).toBe(0);
    expect(unallocatedWh(offer, '2026-03-01T11:00:00Z')).toBe(200_000);
  });

  it('has nothing to withdraw where everything is allocated (409)', () =>
    spec
      .given([listed(), energyAllocated({ wh: 150_000 })])
      .when(withdrawSlots('2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z'), context)
      .thenThrows('conflict'));

  it('parses the range: both slots, in order, none started', () => {
    const parse = (slots: unknown) =>
      parseWithdrawEnergyOffer({
        offerId: 'offer-1',
        actorId: 'producer-1',
        withdrawnAt: '2026-03-01T10:30:00Z',
        slots,
      });
    const fields = (parsed: ReturnType<typeof parse>) =>
      parsed.ok ? [] : parsed.errors.map((error) => error.field);
    expect(fields(parse({ from: '2026-03-01T11:00:00Z' }))).toEqual(['to']);
    expect(fields(parse({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' }))).toEqual([
      'from',
    ]);
    expect(fields(parse({ from: '2026-03-01T12:00:00Z', to: '2026-03-01T12:00:00Z' }))).toEqual([
      'to',
    ]);
    expect(parse({ from: '2026-03-01T11:00:00Z', to: '2026-03-01T12:00:00Z' }).ok).toBe(true);
  });
});

describe('ReportCurtailment', () => {
  it('records the Wh the producer could not deliver in a slot that has started', () => {
    spec
      .given([listed()])
      .when(curtail(), context)
      .then([curtailed(40_000)]);
    expect(deliverableWh(offerAfter(listed(), curtailed(40_000)), '2026-03-01T10:00:00Z')).toBe(
      110_000,
    );
  });

  it("replaces the slot's earlier report with the new total", () =>
    spec
      .given([listed(), curtailed(40_000)])
      .when(curtail({ whCurtailed: 60_000 }), context)
      .then([curtailed(60_000)]));

  it('changes nothing when the same total is reported again', () =>
    spec
      .given([listed(), curtailed(40_000)])
      .when(curtail(), context)
      .thenNothingHappens());

  it('curtails only slots the offer has energy in', () =>
    spec
      .given([listed()])
      .when(curtail({ slot: '2026-03-01T09:00:00Z' }), context)
      .thenThrows('invalid', ['slot']));

  it('cannot exceed the Wh offered in the slot', () =>
    spec
      .given([listed()])
      .when(curtail({ whCurtailed: 150_001 }), context)
      .thenThrows('invalid', ['whCurtailed']));

  it('still applies to the allocated energy of a withdrawn offer', () => {
    const history = [listed(), energyAllocated({ wh: 50_000 }), withdrawn(300_000)];
    spec
      .given(history)
      .when(curtail({ whCurtailed: 50_000 }), context)
      .then([curtailed(50_000)]);
    spec
      .given(history)
      .when(curtail({ whCurtailed: 50_001 }), context)
      .thenThrows('invalid', ['whCurtailed']);
  });

  it("is forbidden to anyone but the offer's producer", () =>
    spec
      .given([listed()])
      .when(curtail({ actorId: 'buyer-1' }), context)
      .thenThrows('forbidden'));
});

describe('EnergyAllocated', () => {
  it('adds up what matching allocated, so it is never allocated twice', () => {
    const offer = offerAfter(
      listed(),
      energyAllocated({ wh: 50_000 }),
      energyAllocated({ wh: 30_000, allocationId: 'alloc-2' }),
    );
    expect(unallocatedWh(offer, '2026-03-01T10:00:00Z')).toBe(70_000);
    expect(unallocatedWh(offer, '2026-03-01T12:00:00Z')).toBe(0);
  });
});

describe('evolving a whole stream at once', () => {
  const history = [
    listed(),
    energyAllocated({ wh: 50_000 }),
    amended([{ slot: '2026-03-01T12:00:00Z', wh: 5 }]),
    curtailed(40_000),
    withdrawn(155_005),
    energyAllocated({ slot: '2026-03-01T11:00:00Z', wh: 1, allocationId: 'alloc-2' }),
  ];

  it('gives the same state as evolving event by event', () =>
    expect(evolveEnergyOfferAll(initialEnergyOfferState(), history)).toEqual(
      history.reduce(evolveEnergyOffer, initialEnergyOfferState()),
    ));

  it('leaves the state it starts from untouched', () => {
    const before = offerAfter(listed());
    const snapshot = structuredClone(before);
    evolveEnergyOfferAll(before, history.slice(1));
    evolveEnergyOffer(before, energyAllocated());
    expect(before).toEqual(snapshot);
  });
});

describe('energy offer: a matching run allocates energy', () => {
  const allocate = (draws: { slot: string; wh: number; allocationId: string }[]) => ({
    type: 'AllocateEnergy' as const,
    data: { offerId: 'offer-1', draws },
  });

  it("records a run's draws in one EnergyAllocated, within what each slot has left", () => {
    spec
      .given([listed(), energyAllocated({ wh: 100_000 })])
      .when(
        allocate([
          { slot: '2026-03-01T10:00:00Z', wh: 30_000, allocationId: 'alloc-2' },
          { slot: '2026-03-01T10:00:00Z', wh: 20_000, allocationId: 'alloc-3' },
        ]),
        context,
      )
      .then([
        energyAllocated(
          { wh: 30_000, allocationId: 'alloc-2' },
          { slot: '2026-03-01T10:00:00Z', wh: 20_000, allocationId: 'alloc-3' },
        ),
      ]);
  });

  it('reads a stored per-draw EnergyAllocated (v1) as the run it was part of', () => {
    spec
      .given([
        listed(),
        {
          type: 'EnergyAllocated',
          schemaVersion: 1,
          data: {
            offerId: 'offer-1',
            slot: '2026-03-01T10:00:00Z',
            wh: 100_000,
            allocationId: 'a',
          },
        },
      ])
      .when(
        allocate([{ slot: '2026-03-01T10:00:00Z', wh: 50_001, allocationId: 'alloc-2' }]),
        context,
      )
      .thenThrows('conflict');
  });

  it('never sells a Wh twice: draws beyond what the slot has left are refused', () => {
    spec
      .given([listed(), energyAllocated({ wh: 100_000 })])
      .when(
        allocate([
          { slot: '2026-03-01T10:00:00Z', wh: 30_000, allocationId: 'alloc-2' },
          { slot: '2026-03-01T10:00:00Z', wh: 20_001, allocationId: 'alloc-3' },
        ]),
        context,
      )
      .thenThrows('conflict');
  });

  it('allocates nothing from a slot the offer does not have, or from a withdrawn offer', () => {
    spec
      .given([listed()])
      .when(allocate([{ slot: '2026-03-01T12:00:00Z', wh: 1, allocationId: 'a' }]), context)
      .thenThrows('conflict');
    spec
      .given([listed(), withdrawn(350_000)])
      .when(allocate([{ slot: '2026-03-01T10:00:00Z', wh: 1, allocationId: 'a' }]), context)
      .thenThrows('conflict');
  });

  it('refuses a draw of no energy, and energy of an offer never listed', () => {
    spec
      .given([listed()])
      .when(allocate([{ slot: '2026-03-01T10:00:00Z', wh: 0, allocationId: 'a' }]), context)
      .thenThrows('invalid', ['draws[0].wh']);
    spec
      .given([])
      .when(allocate([{ slot: '2026-03-01T10:00:00Z', wh: 1, allocationId: 'a' }]), context)
      .thenThrows('not_found');
  });
});
