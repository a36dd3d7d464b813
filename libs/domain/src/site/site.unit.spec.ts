import { DeciderSpecification } from '../shared/decider-specification';
import {
  agreementSet,
  registerSite,
  siteAfter,
  siteContext,
  siteRegistered,
} from '../testing/examples';
import { agreementInForce, gpusAvailableAt, siteDecider } from '.';
import {
  DecommissionSite,
  ScheduleMaintenance,
  SetAgreement,
  SiteChangeRequest,
  UpdateSite,
} from './site.commands';
import { MaintenanceScheduled, SiteDecommissioned, SiteUpdated } from './site.events';

const spec = DeciderSpecification.for(siteDecider);
const context = siteContext();

const update = (changes: SiteChangeRequest | Record<string, unknown>): UpdateSite => ({
  type: 'UpdateSite',
  data: { siteId: 'site-1', changes: changes as SiteChangeRequest },
});
const updated = (changes: SiteUpdated['data']['changes']): SiteUpdated => ({
  type: 'SiteUpdated',
  schemaVersion: 1,
  data: { siteId: 'site-1', changes },
});

const maintenance = (
  overrides: Partial<ScheduleMaintenance['data']> = {},
): ScheduleMaintenance => ({
  type: 'ScheduleMaintenance',
  data: {
    siteId: 'site-1',
    maintenanceId: 'mw-1',
    from: '2026-03-02T08:00:00Z',
    to: '2026-03-02T12:00:00Z',
    gpusOffline: 200,
    ...overrides,
  },
});
const maintenanceScheduled = (
  overrides: Partial<MaintenanceScheduled['data']> = {},
): MaintenanceScheduled => ({
  type: 'MaintenanceScheduled',
  schemaVersion: 1,
  data: { ...maintenance().data, ...overrides },
});

const setAgreement = (overrides: Partial<SetAgreement['data']> = {}): SetAgreement => ({
  type: 'SetAgreement',
  data: {
    siteId: 'site-1',
    effectiveFrom: '2026-03-01T00:00:00Z',
    hostParticipantId: 'host-1',
    producers: [{ participantId: 'producer-1' }],
    producersShareBps: 7_000,
    hostShareBps: 3_000,
    ...overrides,
  },
});

const decommission: DecommissionSite = {
  type: 'DecommissionSite',
  data: { siteId: 'site-1', decommissionedAt: '2026-06-30T18:00:00.000Z' },
};
const decommissioned: SiteDecommissioned = {
  type: 'SiteDecommissioned',
  schemaVersion: 1,
  data: { siteId: 'site-1', decommissionedAt: '2026-06-30T18:00:00.000Z' },
};

describe('RegisterSite', () => {
  it('registers a site with e = gpuPowerKw × pue in whole Wh, rounded up (0.7 kW × 1.125 → 788 Wh)', () =>
    spec.given([]).when(registerSite(), context).then([siteRegistered()]));

  it('needs a host that exists', () =>
    spec
      .given([])
      .when(registerSite({ hostParticipantId: 'nobody' }), context)
      .thenThrows('invalid', ['hostParticipantId']));

  it('needs a host holding the host role', () =>
    spec
      .given([])
      .when(registerSite({ hostParticipantId: 'buyer-1' }), context)
      .thenThrows('invalid', ['hostParticipantId']));

  it('registers a site only once', () =>
    spec.given([siteRegistered()]).when(registerSite(), context).thenThrows('conflict'));
});

describe('UpdateSite', () => {
  it('records only the fields that change', () =>
    spec
      .given([siteRegistered()])
      .when(
        update({
          name: 'Beauce 2',
          reservePricePerGpuHour: 150,
          certifications: ['SecNumCloud', 'ISO/IEC 27001'],
        }),
        context,
      )
      .then([updated({ name: 'Beauce 2', certifications: ['SecNumCloud', 'ISO/IEC 27001'] })]));

  it('recomputes the energy per GPU-hour when the PUE changes', () =>
    spec
      .given([siteRegistered()])
      .when(update({ pue: '1.2' }), context)
      .then([updated({ pue: '1.2', energyPerGpuHourWh: 840 })]));

  it('changes nothing when the values are the current ones', () =>
    spec
      .given([siteRegistered()])
      .when(update({ name: 'Éoliennes de la Beauce', pue: '1.125' }), context)
      .thenNothingHappens());

  it('suspends a site and makes it active again', () => {
    spec
      .given([siteRegistered()])
      .when(update({ status: 'suspended' }), context)
      .then([updated({ status: 'suspended' })]);
    spec
      .given([siteRegistered(), updated({ status: 'suspended' })])
      .when(update({ status: 'active' }), context)
      .then([updated({ status: 'active' })]);
  });

  it('hands the site to another host holding the host role', () => {
    spec
      .given([siteRegistered()])
      .when(update({ hostParticipantId: 'host-2' }), context)
      .then([updated({ hostParticipantId: 'host-2' })]);
    spec
      .given([siteRegistered()])
      .when(update({ hostParticipantId: 'producer-1' }), context)
      .thenThrows('invalid', ['changes.hostParticipantId']);
  });

  it('updates only a registered site', () =>
    spec
      .given([])
      .when(update({ name: 'x' }), context)
      .thenThrows('not_found'));

  it('leaves a decommissioned site as it was', () =>
    spec
      .given([siteRegistered(), decommissioned])
      .when(update({ name: 'x' }), context)
      .thenThrows('conflict'));
});

describe('ScheduleMaintenance', () => {
  it('takes GPUs offline for a window of whole hours', () =>
    spec.given([siteRegistered()]).when(maintenance(), context).then([maintenanceScheduled()]));

  it('cannot take more GPUs offline than the site has', () =>
    spec
      .given([siteRegistered()])
      .when(maintenance({ gpusOffline: 361 }), context)
      .thenThrows('invalid', ['gpusOffline']));

  it('adds up overlapping windows, which together cannot exceed the site', () =>
    spec
      .given([siteRegistered(), maintenanceScheduled()])
      .when(
        maintenance({
          maintenanceId: 'mw-2',
          from: '2026-03-02T11:00:00Z',
          to: '2026-03-02T14:00:00Z',
          gpusOffline: 161,
        }),
        context,
      )
      .thenThrows('conflict', ['gpusOffline']));

  it('accepts overlapping windows within the site', () =>
    spec
      .given([siteRegistered(), maintenanceScheduled()])
      .when(
        maintenance({
          maintenanceId: 'mw-2',
          from: '2026-03-02T11:00:00Z',
          to: '2026-03-02T14:00:00Z',
          gpusOffline: 160,
        }),
        context,
      )
      .then([
        maintenanceScheduled({
          maintenanceId: 'mw-2',
          from: '2026-03-02T11:00:00Z',
          to: '2026-03-02T14:00:00Z',
          gpusOffline: 160,
        }),
      ]));

  it('does not add a window that starts when another ends', () =>
    spec
      .given([siteRegistered(), maintenanceScheduled()])
      .when(
        maintenance({
          maintenanceId: 'mw-2',
          from: '2026-03-02T12:00:00Z',
          to: '2026-03-02T14:00:00Z',
          gpusOffline: 360,
        }),
        context,
      )
      .then([
        maintenanceScheduled({
          maintenanceId: 'mw-2',
          from: '2026-03-02T12:00:00Z',
          to: '2026-03-02T14:00:00Z',
          gpusOffline: 360,
        }),
      ]));

  it('never reuses a maintenance id', () =>
    spec
      .given([siteRegistered(), maintenanceScheduled()])
      .when(maintenance({ from: '2026-04-01T00:00:00Z', to: '2026-04-01T01:00:00Z' }), context)
      .thenThrows('conflict'));

  it('counts offline GPUs against the site capacity of each slot', () => {
    const site = siteAfter([siteRegistered(), maintenanceScheduled()]);
    expect(gpusAvailableAt(site, '2026-03-02T08:00:00Z')).toBe(160);
    expect(gpusAvailableAt(site, '2026-03-02T12:00:00Z')).toBe(360);
    expect(gpusAvailableAt({ ...site, status: 'suspended' }, '2026-03-02T12:00:00Z')).toBe(0);
  });
});

describe('SetAgreement', () => {
  it('sets version 1 of the revenue-sharing agreement', () =>
    spec.given([siteRegistered()]).when(setAgreement(), context).then([agreementSet()]));

  it('records the heat price when the host buys recovered heat', () =>
    spec
      .given([siteRegistered()])
      .when(setAgreement({ heatPricePerMwh: 2_500 }), context)
      .then([agreementSet({ heatPricePerMwh: 2_500 })]));

  it('numbers each new version', () =>
    spec
      .given([siteRegistered(), agreementSet()])
      .when(
        setAgreement({
          effectiveFrom: '2026-04-01T00:00:00Z',
          producers: [{ participantId: 'producer-1' }, { participantId: 'producer-2' }],
        }),
        context,
      )
      .then([
        agreementSet({
          version: 2,
          effectiveFrom: '2026-04-01T00:00:00Z',
          producers: [{ participantId: 'producer-1' }, { participantId: 'producer-2' }],
        }),
      ]));

  it('lets a version with the same effective date supersede the previous one', () =>
    spec
      .given([siteRegistered(), agreementSet()])
      .when(setAgreement({ producersShareBps: 6_000, hostShareBps: 4_000 }), context)
      .then([agreementSet({ version: 2, producersShareBps: 6_000, hostShareBps: 4_000 })]));

  it('cannot take effect before the latest version', () =>
    spec
      .given([siteRegistered(), agreementSet({ effectiveFrom: '2026-04-01T00:00:00Z' })])
      .when(setAgreement({ effectiveFrom: '2026-03-15T00:00:00Z' }), context)
      .thenThrows('conflict', ['effectiveFrom']));

  it('lists only participants holding the producer role', () =>
    spec
      .given([siteRegistered()])
      .when(
        setAgreement({ producers: [{ participantId: 'buyer-1' }, { participantId: 'ghost' }] }),
        context,
      )
      .thenThrows('invalid', ['producers[0].participantId', 'producers[1].participantId']));

  it("names the site's host", () =>
    spec
      .given([siteRegistered()])
      .when(setAgreement({ hostParticipantId: 'host-2' }), context)
      .thenThrows('invalid', ['hostParticipantId']));

  it('governs each slot by the last version effective by then', () => {
    const site = siteAfter([
      siteRegistered(),
      agreementSet(),
      agreementSet({
        version: 2,
        effectiveFrom: '2026-04-01T00:00:00Z',
        producersShareBps: 6_000,
        hostShareBps: 4_000,
      }),
    ]);
    expect(agreementInForce(site, '2026-02-28T23:00:00Z')).toBeUndefined();
    expect(agreementInForce(site, '2026-03-31T23:00:00Z')?.version).toBe(1);
    expect(agreementInForce(site, '2026-04-01T00:00:00Z')?.version).toBe(2);
  });
});

describe('DecommissionSite', () => {
  it('decommissions a site for good', () =>
    spec.given([siteRegistered()]).when(decommission, context).then([decommissioned]));

  it('decommissions a site once', () =>
    spec
      .given([siteRegistered(), decommissioned])
      .when(decommission, context)
      .thenThrows('conflict'));

  it('decommissions only a registered site', () =>
    spec.given([]).when(decommission, context).thenThrows('not_found'));

  it('takes no more maintenance or agreements once decommissioned', () => {
    spec
      .given([siteRegistered(), decommissioned])
      .when(maintenance(), context)
      .thenThrows('conflict');
    spec
      .given([siteRegistered(), decommissioned])
      .when(setAgreement(), context)
      .thenThrows('conflict');
  });
});
