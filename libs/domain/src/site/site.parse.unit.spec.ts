import { Parsed, Unparsed } from '../shared/validation';
import { registerSite } from '../testing/examples';
import { RegisterSite, ScheduleMaintenance, SetAgreement } from './site.commands';
import {
  parseDecommissionSite,
  parseRegisterSite,
  parseScheduleMaintenance,
  parseSetAgreement,
  parseUpdateSite,
} from './site.parse';

/** The fields a refusal names, sorted; [] when the command parses. */
const refused = (parsed: Parsed<unknown>) =>
  parsed.ok ? [] : parsed.errors.map((error) => error.field).sort();
const refusedSite = (overrides: Unparsed<RegisterSite['data']>) =>
  refused(parseRegisterSite({ ...registerSite().data, ...overrides }));
const refusedChanges = (changes: unknown) =>
  refused(parseUpdateSite({ siteId: 'site-1', changes }));

const window: ScheduleMaintenance['data'] = {
  siteId: 'site-1',
  maintenanceId: 'mw-1',
  from: '2026-03-02T08:00:00Z',
  to: '2026-03-02T12:00:00Z',
  gpusOffline: 200,
};
const agreement: SetAgreement['data'] = {
  siteId: 'site-1',
  effectiveFrom: '2026-03-01T00:00:00Z',
  hostParticipantId: 'host-1',
  producers: [{ participantId: 'producer-1' }],
  producersShareBps: 7_000,
  hostShareBps: 3_000,
};

describe('parseRegisterSite', () => {
  it('accepts gpuPowerKw and pue as decimal text and stores their canonical form', () => {
    for (const decimals of [
      { gpuPowerKw: '0.700', pue: '1.1250' },
      { gpuPowerKw: 0.7, pue: 1.125 },
    ]) {
      expect(parseRegisterSite({ ...registerSite().data, ...decimals })).toEqual({
        ok: true,
        value: registerSite(),
      });
    }
  });

  it('records no recovered heat when recovery is disabled', () => {
    const parsed = parseRegisterSite({ ...registerSite().data, heatRecovery: { enabled: false } });
    expect(parsed.ok && parsed.value.data.heatRecovery).toEqual({
      enabled: false,
      recoveredShareBps: 0,
    });
  });

  it('rejects a GPU power more precise than a watt', () =>
    expect(refusedSite({ gpuPowerKw: 0.7005 })).toEqual(['gpuPowerKw']));

  it('rejects a PUE below 1', () => expect(refusedSite({ pue: 0.95 })).toEqual(['pue']));

  it('needs 1 to 10000 whole GPUs', () => {
    for (const gpuCount of [0, 10_001, 1.5]) {
      expect(refusedSite({ gpuCount })).toEqual(['gpuCount']);
    }
  });

  it('rejects coordinates off the globe', () =>
    expect(refusedSite({ location: { lat: 91, lon: -181 } })).toEqual([
      'location.lat',
      'location.lon',
    ]));

  it('needs ISO 3166-1 alpha-2 codes for the country and the operator jurisdiction', () =>
    expect(refusedSite({ country: 'fr', operatorJurisdiction: 'EU' })).toEqual([
      'country',
      'operatorJurisdiction',
    ]));

  it('rejects a certification listed twice', () =>
    expect(refusedSite({ certifications: ['SecNumCloud', 'SecNumCloud'] })).toEqual([
      'certifications[1]',
    ]));

  it('needs the recovered share when heat recovery is enabled', () =>
    expect(refusedSite({ heatRecovery: { enabled: true } })).toEqual([
      'heatRecovery.recoveredShareBps',
    ]));

  it('rejects a recovered share when heat recovery is disabled', () =>
    expect(refusedSite({ heatRecovery: { enabled: false, recoveredShareBps: 100 } })).toEqual([
      'heatRecovery.recoveredShareBps',
    ]));

  it('prices the reserve in whole, non-negative minor units, at most MAX_UNIT_PRICE', () => {
    for (const reservePricePerGpuHour of [1.5, -1, 100_000_001]) {
      expect(refusedSite({ reservePricePerGpuHour })).toEqual(['reservePricePerGpuHour']);
    }
  });

  it('needs a supported ISO 4217 currency', () =>
    expect(refusedSite({ currency: 'EURO' })).toEqual(['currency']));
});

describe('parseUpdateSite', () => {
  it('types the changes, the PUE in its canonical form', () =>
    expect(parseUpdateSite({ siteId: 'site-1', changes: { name: 'Beauce 2', pue: 1.2 } })).toEqual({
      ok: true,
      value: {
        type: 'UpdateSite',
        data: { siteId: 'site-1', changes: { name: 'Beauce 2', pue: '1.2' } },
      },
    }));

  it('refuses to change identity and physical facts', () =>
    expect(refusedChanges({ siteId: 'site-2', gpuCount: 400, currency: 'USD' })).toEqual([
      'changes.currency',
      'changes.gpuCount',
      'changes.siteId',
    ]));

  it('rejects unknown fields', () =>
    expect(refusedChanges({ colour: 'green' })).toEqual(['changes.colour']));

  it('decommissions only through DecommissionSite', () =>
    expect(refusedChanges({ status: 'decommissioned' })).toEqual(['changes.status']));

  it('needs at least one change', () => expect(refusedChanges({})).toEqual(['changes']));
});

describe('parseScheduleMaintenance', () => {
  it('types a window of whole hours', () =>
    expect(parseScheduleMaintenance(window)).toEqual({
      ok: true,
      value: { type: 'ScheduleMaintenance', data: window },
    }));

  it('needs the window to end after it starts', () =>
    expect(refused(parseScheduleMaintenance({ ...window, to: '2026-03-02T08:00:00Z' }))).toEqual([
      'to',
    ]));

  it('needs whole UTC hours', () =>
    expect(
      refused(
        parseScheduleMaintenance({
          ...window,
          from: '2026-03-02T08:30:00Z',
          to: '2026-03-02T12:00:00+01:00',
        }),
      ),
    ).toEqual(['from', 'to']));
});

describe('parseSetAgreement', () => {
  it('types an agreement, its heat price when given', () =>
    expect(parseSetAgreement({ ...agreement, heatPricePerMwh: 2_000 })).toEqual({
      ok: true,
      value: { type: 'SetAgreement', data: { ...agreement, heatPricePerMwh: 2_000 } },
    }));

  it('splits the whole surplus: producers and host shares sum to 10000 bps', () =>
    expect(
      refused(parseSetAgreement({ ...agreement, producersShareBps: 7_000, hostShareBps: 2_000 })),
    ).toEqual(['hostShareBps', 'producersShareBps']));

  it('needs at least one producer', () =>
    expect(refused(parseSetAgreement({ ...agreement, producers: [] }))).toEqual(['producers']));

  it('lists each producer once', () =>
    expect(
      refused(
        parseSetAgreement({
          ...agreement,
          producers: [{ participantId: 'producer-1' }, { participantId: 'producer-1' }],
        }),
      ),
    ).toEqual(['producers[1].participantId']));
});

describe('parseDecommissionSite', () => {
  it('types a decommissioning, its instant in stored form', () =>
    expect(
      parseDecommissionSite({ siteId: 'site-1', decommissionedAt: '2026-06-30T18:00:00Z' }),
    ).toEqual({
      ok: true,
      value: {
        type: 'DecommissionSite',
        data: { siteId: 'site-1', decommissionedAt: '2026-06-30T18:00:00.000Z' },
      },
    }));
});
