import { KeyInput } from '../checkpoint';
import { BodyState, verifyBodyLine } from './body-lines';
import { WitnessPolicy } from './checkpoint-checks';
import { checkSignedContents, trustHeader } from './header-trust';
import { parseLines, splitLines } from './parse-lines';
import { BundleVerification, VerificationReport } from './verification';

/**
 * Verifies a bundle offline. Every failure names its 1-based line; at most one failure per line
 * (the first problem found on it), and a line that depends on an already-failed line (an event of
 * a bad checkpoint, the link to a bad predecessor) is not failed again for that. What the signed
 * header lists and no line holds (a checkpoint, a stream, a run of events) fails at line 1, one
 * failure each.
 */
export function verifyBundle(
  ndjson: string,
  options: {
    trustedPublicKey?: KeyInput;
    /** Trusted witness verifier keys and the cosignatures each checkpoint needs (`--witness`, `--quorum`). */
    witnessPolicy?: WitnessPolicy;
  } = {},
): BundleVerification {
  const report = new VerificationReport();
  const lines = splitLines(ndjson);
  if (lines === undefined) {
    report.fail(1, 'header', 'the bundle is empty');
    return report.result(undefined);
  }
  const values = parseLines(lines, report);
  const trust = trustHeader(values[0], options.trustedPublicKey, report);
  const state = new BodyState(trust, options.witnessPolicy);
  values.forEach((value, i) => {
    if (i > 0 && value) verifyBodyLine(value, i + 1, state, report);
  });
  if (trust.tally) checkSignedContents(trust.tally, report);
  return report.result(trust.verifyingKey?.keyId);
}
