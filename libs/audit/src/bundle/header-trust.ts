import { KeyObject } from 'node:crypto';
import { keyIdOf, KeyInput, parsePublicKey, samePublicKey } from '../checkpoint';
import { followKeyChain, KeyRotation } from '../key-rotation';
import { ContentsTally } from './contents-tally';
import { BundleHeader } from './header';
import { verifyBundleHeaderSignature } from './header-signature';
import { parseBundleHeader } from './parse-header';
import { VerificationReport } from './verification';

/** The key checkpoints and the header are verified with. */
export interface VerifyingKey {
  key: KeyObject;
  keyId: string;
}

/** What line 1 establishes for the lines after it. */
export interface HeaderTrust {
  header?: BundleHeader;
  verifyingKey?: VerifyingKey;
  /** Every key the header's rotations connect to the verifying key: checkpoints verify with their own. */
  keys?: Map<string, KeyObject>;
  /** Present only once the header's signature verified: what the bundle must hold. */
  tally?: ContentsTally;
}

/**
 * Line 1: its shape and key, the key to verify with (the trusted one when given, which must be
 * the header's), then the header's signature. Problems are reported at line 1.
 */
export function trustHeader(
  value: Record<string, unknown> | undefined,
  trustedPublicKey: KeyInput | undefined,
  report: VerificationReport,
): HeaderTrust {
  let header: BundleHeader | undefined;
  let headerKey: KeyObject | undefined;
  if (value) {
    try {
      ({ header, key: headerKey } = parseBundleHeader(value));
    } catch (error) {
      report.fail(1, 'header', (error as Error).message);
    }
  }
  const rotations = header?.keyRotations ?? [];
  const { key, trusted } = chooseVerifyingKey(headerKey, trustedPublicKey, rotations, report);
  const verifyingKey = key ? { key, keyId: keyIdOf(key) } : undefined;
  const keys = key ? followKeyChain(key, rotations).keys : undefined;
  // What the bundle must hold, once its signature verifies; nothing can be said without it.
  const tally =
    header && verifyingKey && trusted ? signedContents(header, verifyingKey, report) : undefined;
  return { header, verifyingKey, keys, tally };
}

function chooseVerifyingKey(
  headerKey: KeyObject | undefined,
  trustedPublicKey: KeyInput | undefined,
  rotations: readonly KeyRotation[],
  report: VerificationReport,
): { key?: KeyObject; trusted: boolean } {
  if (trustedPublicKey === undefined) return { key: headerKey, trusted: true };
  const key = parsePublicKey(trustedPublicKey);
  if (headerKey && !samePublicKey(headerKey, key)) {
    // A rotation chain from the trusted key to the bundle's: trust follows it.
    const chain = followKeyChain(key, rotations);
    if (chain.keys.has(keyIdOf(headerKey))) return { key: headerKey, trusted: true };
    report.fail(
      1,
      'untrusted_key',
      `the bundle's key ${keyIdOf(headerKey)} is not the trusted key ${keyIdOf(key)}` +
        (rotations.length ? ' nor reached from it by a valid rotation chain' : ''),
    );
    return { key, trusted: false };
  }
  return { key, trusted: true };
}

function signedContents(
  header: BundleHeader,
  { key, keyId }: VerifyingKey,
  report: VerificationReport,
): ContentsTally | undefined {
  if (verifyBundleHeaderSignature(header, key)) return new ContentsTally(header);
  report.fail(
    1,
    'header_signature',
    `the header's signature does not verify with key ${keyId}: its selection or its list of checkpoints and events was altered`,
  );
  return undefined;
}

/**
 * After the last line: what the signed header lists and no line holds (one failure each at line
 * 1), then, when nothing else failed, the digest of positions and hashes as signed: the only
 * check on an unsealed event's place and content.
 */
export function checkSignedContents(tally: ContentsTally, report: VerificationReport): void {
  for (const { kind, message } of tally.missing()) report.fail(1, kind, message);
  if (report.failureCount === 0 && !tally.digestMatches())
    report.fail(
      1,
      'events_digest',
      "the events' positions or hashes are not those the signed header lists (an event was replaced or moved)",
    );
}
