import { Parsed, Unparsed } from '../shared/validation';
import { listEnergyOffer } from '../testing/examples';
import { AmendEnergyOffer, ListEnergyOffer, ReportCurtailment } from './energy-offer.commands';
import {
  parseAmendEnergyOffer,
  parseListEnergyOffer,
  parseReportCurtailment,
  parseWithdrawEnergyOffer,
} from './energy-offer.parse';

/** The fields a refusal names, sorted; [] when the command parses. */
const refused = (parsed: Parsed<unknown>) =>
  parsed.ok ? [] : parsed.errors.map((error) => error.field).sort();
const refusedOffer = (overrides: Unparsed<ListEnergyOffer['data']>) =>
  refused(parseListEnergyOffer({ ...listEnergyOffer().data, ...overrides }));

const amendment: AmendEnergyOffer['data'] = {
  offerId: 'offer-1',
  actorId: 'producer-1',
  amendedAt: '2026-03-01T09:00:00.000Z',
  profile: [{ slot: '2026-03-01T10:00:00Z', wh: 50_000 }],
};
const curtailment: ReportCurtailment['data'] = {
  offerId: 'offer-1',
  actorId: 'producer-1',
  slot: '2026-03-01T10:00:00Z',
  whCurtailed: 40_000,
  reportedAt: '2026-03-01T11:05:00.000Z',
};

describe('parseListEnergyOffer', () => {
  it('types an offer, with its instant in stored form', () =>
    expect(
      parseListEnergyOffer({ ...listEnergyOffer().data, listedAt: '2026-03-01T08:30:00Z' }),
    ).toEqual({ ok: true, value: listEnergyOffer() }));

  it('needs at least one site', () => expect(refusedOffer({ siteIds: [] })).toEqual(['siteIds']));

  it('names each site once', () =>
    expect(refusedOffer({ siteIds: ['site-1', 'site-1'] })).toEqual(['siteIds[1]']));

  it('names a known energy source', () =>
    expect(refusedOffer({ source: 'nuclear' })).toEqual(['source']));

  it('states carbon intensity in whole, non-negative gCO2e/kWh', () => {
    for (const carbonGPerKwh of [-1, 12.5]) {
      expect(refusedOffer({ carbonGPerKwh })).toEqual(['carbonGPerKwh']);
    }
  });

  it('prices the floor in whole minor units per MWh, at most MAX_UNIT_PRICE', () => {
    for (const floorPricePerMwh of [40.5, 100_000_001]) {
      expect(refusedOffer({ floorPricePerMwh })).toEqual(['floorPricePerMwh']);
    }
  });

  it('needs a non-empty profile', () => expect(refusedOffer({ profile: [] })).toEqual(['profile']));

  it('lists each slot once', () =>
    expect(
      refusedOffer({
        profile: [
          { slot: '2026-03-01T10:00:00Z', wh: 1 },
          { slot: '2026-03-01T10:00:00Z', wh: 2 },
        ],
      }),
    ).toEqual(['profile[1].slot']));

  it('uses whole UTC hours as slots', () =>
    expect(
      refusedOffer({
        profile: [
          { slot: '2026-03-01T10:30:00Z', wh: 1 },
          { slot: '2026-03-01T11:00:00+02:00', wh: 1 },
          { slot: '2026-02-30T10:00:00Z', wh: 1 },
        ],
      }),
    ).toEqual(['profile[0].slot', 'profile[1].slot', 'profile[2].slot']));

  it('offers a positive whole number of Wh per slot', () =>
    expect(
      refusedOffer({
        profile: [
          { slot: '2026-03-01T10:00:00Z', wh: 0 },
          { slot: '2026-03-01T11:00:00Z', wh: 1.5 },
        ],
      }),
    ).toEqual(['profile[0].wh', 'profile[1].wh']));

  it('covers at most a leap year of slots', () => {
    const profile = Array.from({ length: 24 * 366 + 1 }, (_, hour) => ({
      slot: new Date(Date.UTC(2026, 2, 2) + hour * 3_600_000).toISOString().replace('.000Z', 'Z'),
      wh: 1,
    }));
    expect(refusedOffer({ profile })).toEqual(['profile']);
  });

  it('spans at most a leap year from its first slot to the end of its last, however few slots', () => {
    const twoYearsApart = [
      { slot: '2026-03-01T10:00:00Z', wh: 1 },
      { slot: '2028-03-01T10:00:00Z', wh: 1 },
    ];
    expect(refusedOffer({ profile: twoYearsApart })).toEqual(['profile']);
    // 8,784 hours from the first slot's start to the last one's end: exactly a leap year
    const leapYear = [
      { slot: '2026-03-01T10:00:00Z', wh: 1 },
      { slot: '2027-03-02T09:00:00Z', wh: 1 },
    ];
    expect(refusedOffer({ profile: leapYear })).toEqual([]);
    expect(
      refusedOffer({ profile: [...leapYear, { slot: '2027-03-02T10:00:00Z', wh: 1 }] }),
    ).toEqual(['profile']);
  });

  it('offers no slot that has already started', () =>
    expect(refusedOffer({ listedAt: '2026-03-01T10:00:00Z' })).toEqual(['profile[1].slot']));
});

describe('parseAmendEnergyOffer', () => {
  it('types an amendment; 0 Wh takes a slot back', () =>
    expect(
      parseAmendEnergyOffer({ ...amendment, profile: [{ slot: '2026-03-01T10:00:00Z', wh: 0 }] }),
    ).toEqual({
      ok: true,
      value: {
        type: 'AmendEnergyOffer',
        data: { ...amendment, profile: [{ slot: '2026-03-01T10:00:00Z', wh: 0 }] },
      },
    }));

  it('changes no slot that has already started', () =>
    expect(
      refused(parseAmendEnergyOffer({ ...amendment, amendedAt: '2026-03-01T10:10:00Z' })),
    ).toEqual(['profile[0].slot']));
});

describe('parseWithdrawEnergyOffer', () => {
  it('types a withdrawal, with its instant in stored form', () =>
    expect(
      parseWithdrawEnergyOffer({
        offerId: 'offer-1',
        actorId: 'producer-1',
        withdrawnAt: '2026-03-01T09:15:00Z',
      }),
    ).toEqual({
      ok: true,
      value: {
        type: 'WithdrawEnergyOffer',
        data: {
          offerId: 'offer-1',
          actorId: 'producer-1',
          withdrawnAt: '2026-03-01T09:15:00.000Z',
        },
      },
    }));
});

describe('parseReportCurtailment', () => {
  it('types a curtailment of a slot that has started', () =>
    expect(parseReportCurtailment(curtailment)).toEqual({
      ok: true,
      value: { type: 'ReportCurtailment', data: curtailment },
    }));

  it('waits for the slot to start (a future slot is amended instead)', () =>
    expect(
      refused(parseReportCurtailment({ ...curtailment, reportedAt: '2026-03-01T09:59:59Z' })),
    ).toEqual(['slot']));
});
