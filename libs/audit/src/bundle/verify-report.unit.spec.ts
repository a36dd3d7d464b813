import { bundleReports, singleByteEditReports } from '../verifier-scenarios.fixture';
import recorded from './verify-report.recorded.json';

/**
 * The bundle verifier's reports, recorded from the verifier before it was split into modules:
 * for the same bundle, the same PASS/FAIL lines, failures and counts, byte for byte. The bundles
 * are built from fixed seeds and times (verifier-scenarios.fixture.ts), so they never drift. A
 * change of behaviour shows here first; record again only when it is meant.
 */
describe('bundle verification reports', () => {
  const reports = bundleReports();

  it.each(Object.keys(recorded.scenarios))('%s: the same bundle and the same report', (name) => {
    expect(reports[name]).toEqual(recorded.scenarios[name as keyof typeof recorded.scenarios]);
  });

  it('covers every recorded scenario, and no other', () => {
    expect(Object.keys(reports)).toEqual(Object.keys(recorded.scenarios));
  });

  it('every single-byte edit of a small bundle: the same reports', () => {
    expect(singleByteEditReports()).toEqual(recorded.singleByteEdits);
  });
});
