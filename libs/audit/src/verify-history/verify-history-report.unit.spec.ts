import recorded from './verify-history-report.recorded.json';
import { historyReports } from './verify-history-report.fixture';

/**
 * verifyHistory's results, recorded before it was split into modules: for the same history, the
 * same first inconsistency (kind, place, expected, found, message) and the same counts, byte for
 * byte as JSON (field order included).
 */
describe('history verification reports', () => {
  const reports = historyReports();
  const asJson = (value: unknown) => JSON.stringify(value, null, 2);

  it.each(Object.keys(recorded))('%s: the same result', (name) => {
    expect(asJson(reports[name])).toBe(asJson(recorded[name as keyof typeof recorded]));
  });

  it('covers every recorded scenario, and no other', () => {
    expect(Object.keys(reports).sort()).toEqual(Object.keys(recorded).sort());
  });
});
