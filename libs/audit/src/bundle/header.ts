import type { KeyRotation } from '../key-rotation';
import { BundleContents } from './header-contents';

export const BUNDLE_FORMAT = 'policloud-audit-bundle/2';

/** Formats the verifier refuses, and why: verifying them would pass a bundle with lines deleted. */
export const SUPERSEDED_BUNDLE_FORMATS: Readonly<Record<string, string>> = {
  'policloud-audit-bundle/1':
    'its header does not sign which events it holds, so a deleted event cannot be detected; export the bundle again',
};

export interface BundleHeader extends BundleContents {
  kind: 'header';
  format: typeof BUNDLE_FORMAT;
  publicKey: string;
  keyId: string;
  /**
   * The audit key's rotations (each endorsed by the previous key, accepted by the next), present
   * only when the log has any: a verifier trusting an older key follows them to this one.
   */
  keyRotations?: KeyRotation[];
  /** When the exporter wrote it (signed, as the rest of the header). */
  generatedAt: string;
  /** Base64 Ed25519 signature of the signing context + the canonical header without it. */
  signature: string;
}

export type UnsignedBundleHeader = Omit<BundleHeader, 'signature'>;

/** The header's fields in the order they are written. */
export const HEADER_FIELDS = [
  'kind',
  'format',
  'publicKey',
  'keyId',
  'keyRotations',
  'generatedAt',
  'selection',
  'throughPosition',
  'checkpoints',
  'eventCount',
  'streams',
  'eventsDigest',
  'signature',
] as const;

/** Header fields written only when they have a value. */
export const OPTIONAL_HEADER_FIELDS: readonly string[] = ['keyRotations'];
