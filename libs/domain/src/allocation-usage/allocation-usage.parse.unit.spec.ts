import { Parsed, Unparsed } from '../shared/validation';
import { reportUsage } from '../testing/examples';
import { AmendUsage, ReportUsage } from './allocation-usage.commands';
import { parseAmendUsage, parseReportUsage } from './allocation-usage.parse';

const amendment: AmendUsage['data'] = {
  allocationId: 'alloc-1',
  siteId: 'site-1',
  gpuHoursDelivered: 7,
  whConsumed: 5_400,
  heatWhRecovered: 3_100,
  reason: 'GPU 3 failed at 10:05; meter re-read',
  amendedAt: '2026-03-01T12:00:00.000Z',
};

/** The fields a refusal names, sorted; [] when the command parses. */
const refused = (parsed: Parsed<unknown>) =>
  parsed.ok ? [] : parsed.errors.map((error) => error.field).sort();
const refusedReport = (overrides: Unparsed<ReportUsage['data']>) =>
  refused(parseReportUsage({ ...reportUsage().data, ...overrides }));
const refusedAmendment = (overrides: Unparsed<AmendUsage['data']>) =>
  refused(parseAmendUsage({ ...amendment, ...overrides }));

describe('parseReportUsage', () => {
  it('types a report, with its instant in stored form', () =>
    expect(parseReportUsage({ ...reportUsage().data, reportedAt: '2026-03-01T11:00:30Z' })).toEqual(
      { ok: true, value: reportUsage() },
    ));

  it('needs whole, non-negative figures and a UTC instant', () =>
    expect(
      refusedReport({
        gpuHoursDelivered: -1,
        whConsumed: 6_100.5,
        heatWhRecovered: '3600',
        reportedAt: '2026-03-01T11:00:30+01:00',
        slot: '2026-03-01T10:30:00Z',
      }),
    ).toEqual(['gpuHoursDelivered', 'heatWhRecovered', 'reportedAt', 'slot', 'whConsumed']));

  it('recovers at most the heat of the energy consumed', () =>
    expect(refusedReport({ heatWhRecovered: 6_101 })).toEqual(['heatWhRecovered']));
});

describe('parseAmendUsage', () => {
  it('types an amendment, with its instant in stored form', () =>
    expect(parseAmendUsage({ ...amendment, amendedAt: '2026-03-01T12:00:00Z' })).toEqual({
      ok: true,
      value: { type: 'AmendUsage', data: amendment },
    }));

  it('recovers at most the heat of the energy consumed', () =>
    expect(refusedAmendment({ whConsumed: 3_000 })).toEqual(['heatWhRecovered']));

  it('says why', () => expect(refusedAmendment({ reason: ' ' })).toEqual(['reason']));

  it('needs whole, non-negative figures and a UTC instant', () =>
    expect(
      refusedAmendment({ gpuHoursDelivered: 1.5, whConsumed: -1, amendedAt: 'tomorrow' }),
    ).toEqual(['amendedAt', 'gpuHoursDelivered', 'whConsumed']));
});
