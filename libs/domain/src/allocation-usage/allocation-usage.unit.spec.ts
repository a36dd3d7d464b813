import { rehydrate } from '../events.registry';
import { CorruptStreamError, fold } from '../shared/aggregate';
import { DeciderSpecification } from '../shared/decider-specification';
import { allocationRecord, reportUsage, usageContext } from '../testing/examples';
import {
  AllocationUsage,
  allocationUsageDecider,
  AllocationUsageEvent,
  allocationUsageStreamId,
  AmendUsage,
  evolveAllocationUsage,
  initialAllocationUsageState,
  UsageAmended,
  UsageReported,
} from '.';

const spec = DeciderSpecification.for(allocationUsageDecider);

/** Allocation 1: 8 GPUs of site 1 for order 1 of buyer 1, slot 10:00. */
const context = usageContext(
  allocationRecord(),
  allocationRecord({ allocationId: 'alloc-9', siteId: 'site-2' }),
);

const reported = (overrides: Partial<UsageReported['data']> = {}): UsageReported => ({
  type: 'UsageReported',
  schemaVersion: 1,
  data: {
    allocationId: 'alloc-1',
    siteId: 'site-1',
    slot: '2026-03-01T10:00:00Z',
    buyerId: 'buyer-1',
    orderId: 'order-1',
    gpuHoursDelivered: 8,
    whConsumed: 6_100,
    heatWhRecovered: 3_600,
    reportedAt: '2026-03-01T11:00:30.000Z',
    ...overrides,
  },
});

const amend = (overrides: Partial<AmendUsage['data']> = {}): AmendUsage => ({
  type: 'AmendUsage',
  data: {
    allocationId: 'alloc-1',
    siteId: 'site-1',
    gpuHoursDelivered: 7,
    whConsumed: 5_400,
    heatWhRecovered: 3_100,
    reason: 'GPU 3 failed at 10:05; meter re-read',
    amendedAt: '2026-03-01T12:00:00.000Z',
    ...overrides,
  },
});

const amended = (overrides: Partial<UsageAmended['data']> = {}): UsageAmended => ({
  type: 'UsageAmended',
  schemaVersion: 1,
  data: {
    allocationId: 'alloc-1',
    siteId: 'site-1',
    slot: '2026-03-01T10:00:00Z',
    buyerId: 'buyer-1',
    orderId: 'order-1',
    gpuHoursDelivered: 7,
    whConsumed: 5_400,
    heatWhRecovered: 3_100,
    reason: 'GPU 3 failed at 10:05; meter re-read',
    amendedAt: '2026-03-01T12:00:00.000Z',
    previous: { gpuHoursDelivered: 8, whConsumed: 6_100, heatWhRecovered: 3_600 },
    ...overrides,
  },
});

describe('ReportUsage', () => {
  it("records the site's metered usage, with the buyer and order of the allocation", () =>
    spec.given([]).when(reportUsage(), context).then([reported()]));

  it('records undelivered hours as zero GPU-hours', () =>
    spec
      .given([])
      .when(reportUsage({ gpuHoursDelivered: 0, whConsumed: 300, heatWhRecovered: 0 }), context)
      .then([reported({ gpuHoursDelivered: 0, whConsumed: 300, heatWhRecovered: 0 })]));

  it('may report as soon as the slot has started', () =>
    spec
      .given([])
      .when(reportUsage({ reportedAt: '2026-03-01T10:00:00.000Z' }), context)
      .then([reported({ reportedAt: '2026-03-01T10:00:00.000Z' })]));

  it('cannot report before the slot has started', () =>
    spec
      .given([])
      .when(reportUsage({ reportedAt: '2026-03-01T09:59:59.999Z' }), context)
      .thenThrows('invalid', ['reportedAt']));

  it('reports on an allocation that exists', () =>
    spec
      .given([])
      .when(reportUsage({ allocationId: 'alloc-404' }), context)
      .thenThrows('not_found'));

  it('is forbidden to a site other than the allocation’s', () =>
    spec
      .given([])
      .when(reportUsage({ allocationId: 'alloc-9' }), context)
      .thenThrows('forbidden'));

  it('reports the slot of the allocation', () =>
    spec
      .given([])
      .when(reportUsage({ slot: '2026-03-01T11:00:00Z' }), context)
      .thenThrows('invalid', ['slot']));

  it('delivers at most the GPUs allocated: one GPU-hour each in the slot', () =>
    spec
      .given([])
      .when(reportUsage({ gpuHoursDelivered: 9 }), context)
      .thenThrows('invalid', ['gpuHoursDelivered']));

  it('reports once: a correction is an amendment', () => {
    spec.given([reported()]).when(reportUsage(), context).thenThrows('conflict');
    spec
      .given([reported()])
      .when(reportUsage({ gpuHoursDelivered: 6 }), context)
      .thenThrows('conflict');
  });
});

describe('AmendUsage', () => {
  it('replaces the figures and keeps the previous ones', () =>
    spec.given([reported()]).when(amend(), context).then([amended()]));

  it('corrects the latest figures on a later amendment', () =>
    spec
      .given([reported(), amended()])
      .when(amend({ gpuHoursDelivered: 8, amendedAt: '2026-03-02T08:00:00.000Z' }), context)
      .then([
        amended({
          gpuHoursDelivered: 8,
          amendedAt: '2026-03-02T08:00:00.000Z',
          previous: { gpuHoursDelivered: 7, whConsumed: 5_400, heatWhRecovered: 3_100 },
        }),
      ]));

  it('records nothing when the figures do not change', () =>
    spec
      .given([reported()])
      .when(amend({ gpuHoursDelivered: 8, whConsumed: 6_100, heatWhRecovered: 3_600 }), context)
      .thenNothingHappens());

  it('amends only reported usage', () =>
    spec.given([]).when(amend(), context).thenThrows('conflict'));

  it('amends an allocation that exists', () =>
    spec
      .given([reported()])
      .when(amend({ allocationId: 'alloc-404' }), context)
      .thenThrows('not_found'));

  it('is forbidden to a site other than the allocation’s', () =>
    spec
      .given([reported()])
      .when(amend({ siteId: 'site-2' }), context)
      .thenThrows('forbidden'));

  it('delivers at most the GPUs allocated', () =>
    spec
      .given([reported()])
      .when(amend({ gpuHoursDelivered: 9 }), context)
      .thenThrows('invalid', ['gpuHoursDelivered']));

  it('cannot predate the figures it corrects', () =>
    spec
      .given([reported()])
      .when(amend({ amendedAt: '2026-03-01T11:00:29.999Z' }), context)
      .thenThrows('invalid', ['amendedAt']));
});

describe('allocation usage state', () => {
  it('keeps the current figures and counts the amendments', () => {
    const reportedOnly = rehydrate(allocationUsageDecider, [reported()]) as AllocationUsage;
    expect(reportedOnly).toMatchObject({
      status: 'reported',
      gpuHoursDelivered: 8,
      amendmentCount: 0,
      recordedAt: '2026-03-01T11:00:30.000Z',
    });
    const twice = rehydrate(allocationUsageDecider, [
      reported(),
      amended(),
      amended({ whConsumed: 5_500, amendedAt: '2026-03-01T13:00:00.000Z' }),
    ]) as AllocationUsage;
    expect(twice).toMatchObject({
      status: 'reported',
      gpuHoursDelivered: 7,
      whConsumed: 5_500,
      heatWhRecovered: 3_100,
      reportedAt: '2026-03-01T11:00:30.000Z',
      amendmentCount: 2,
      recordedAt: '2026-03-01T13:00:00.000Z',
    });
  });

  it.each<[string, AllocationUsageEvent[]]>([
    ['an amendment before the report', [amended()]],
    ['two reports', [reported(), reported()]],
  ])('refuses a stream with %s', (_, events) =>
    expect(() => fold(evolveAllocationUsage, initialAllocationUsageState(), events)).toThrow(
      CorruptStreamError,
    ),
  );

  it('lives in a stream whose prefix has no dash', () =>
    expect(allocationUsageStreamId('alloc-1')).toBe('usage-alloc-1'));
});
