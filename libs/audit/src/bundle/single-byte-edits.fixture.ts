/**
 * Test fixture (not exported from the lib): every byte of a small bundle changed once, and the
 * verifier's output for all of those bundles as one digest.
 */
import { createHash } from 'node:crypto';
import { sampleHistory } from '../history.fixture';
import { SCENARIO_KEY } from '../scenario-keys.fixture';
import { formatBundleVerification } from './format-verification';
import { verifyBundle } from './verify-bundle';
import { bundleOf, join } from './verify-report.fixture';

/** Every byte of every line of a small bundle changed once: the bundles, in order. */
export function* singleByteEdits(): Generator<string> {
  const lines = bundleOf(sampleHistory(SCENARIO_KEY, 9, 4, false, 11))
    .trimEnd()
    .split('\n');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const substitute = (ch: string) =>
    /[0-9]/.test(ch)
      ? String((Number(ch) + 1) % 10)
      : alphabet.includes(ch)
        ? alphabet[(alphabet.indexOf(ch) + 1) % alphabet.length]
        : 'x';
  for (const [index, line] of lines.entries()) {
    for (let offset = 0; offset < line.length; offset++) {
      const mutated = [...lines];
      mutated[index] = line.slice(0, offset) + substitute(line[offset]) + line.slice(offset + 1);
      yield join(mutated);
    }
  }
}

/** The CLI output for every single-byte edit of the small bundle, as one digest. */
export function singleByteEditReports(): { edits: number; failed: number; sha256: string } {
  const digest = createHash('sha256');
  let edits = 0;
  let failed = 0;
  for (const bundle of singleByteEdits()) {
    const { exitCode, lines } = formatBundleVerification(verifyBundle(bundle));
    digest.update(`${exitCode}\n${lines.join('\n')}\n\n`, 'utf8');
    edits += 1;
    failed += exitCode;
  }
  return { edits, failed, sha256: digest.digest('hex') };
}
