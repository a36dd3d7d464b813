import { historyReports } from '../verifier-scenarios.fixture';
import recorded from './verify-history-report.recorded.json';

/**
 * verifyHistory's results, recorded before it was split into modules: for the same history, the
 * same first inconsistency (kind, place, expected, found, message) and the same counts.
 */
describe('history verification reports', () => {
  const reports = historyReports();

  it.each(Object.keys(recorded))('%s: the same result', (name) => {
    expect(reports[name]).toEqual(recorded[name as keyof typeof recorded]);
  });

  it('covers every recorded scenario, and no other', () => {
    expect(Object.keys(reports)).toEqual(Object.keys(recorded));
  });
});
