import recorded from './verify-report.recorded.json';
import { singleByteEditReports } from './single-byte-edits.fixture';
import { bundleReports } from './verify-report.fixture';

/**
 * The bundle verifier's reports, recorded from the verifier before it was split into modules:
 * for the same bundle, the same PASS/FAIL lines, failures and counts, byte for byte (as JSON,
 * field order included). The bundles are built from fixed seeds and times, so they never drift.
 * A change of behaviour shows here first; record again only when it is meant.
 */
describe('bundle verification reports', () => {
  const reports = bundleReports();
  const asJson = (value: unknown) => JSON.stringify(value, null, 2);

  it.each(Object.keys(recorded.scenarios))('%s: the same bundle and the same report', (name) => {
    expect(asJson(reports[name])).toBe(
      asJson(recorded.scenarios[name as keyof typeof recorded.scenarios]),
    );
  });

  it('covers every recorded scenario, and no other', () => {
    expect(Object.keys(reports).sort()).toEqual(Object.keys(recorded.scenarios).sort());
  });

  it('every single-byte edit of a small bundle: the same reports', () => {
    expect(singleByteEditReports()).toEqual(recorded.singleByteEdits);
  });
});
