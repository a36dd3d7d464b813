import { KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import { KeyInput, parsePublicKey } from '../checkpoint';
import { BUNDLE_FORMAT, BundleHeader, HEADER_FIELDS, UnsignedBundleHeader } from './header';

/** Domain separation: a header signature can never pass for a checkpoint's, nor the reverse. */
const SIGNING_CONTEXT = `${BUNDLE_FORMAT}\n`;

/** The header's fields but its signature, in the order they are written. */
function unsignedFields(header: UnsignedBundleHeader): Record<string, unknown> {
  const unsigned: Record<string, unknown> = {};
  for (const field of HEADER_FIELDS)
    if (
      field !== 'signature' &&
      (header as unknown as Record<string, unknown>)[field] !== undefined
    )
      unsigned[field] = (header as unknown as Record<string, unknown>)[field];
  return unsigned;
}

function signingPayload(header: UnsignedBundleHeader): Buffer {
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(unsignedFields(header)), 'utf8');
}

export function signBundleHeader(
  header: UnsignedBundleHeader,
  signingKey: KeyObject,
): BundleHeader {
  const ordered = unsignedFields(header);
  ordered.signature = sign(null, signingPayload(header), signingKey).toString('base64');
  return ordered as unknown as BundleHeader;
}

/** True when the signature is a canonical base64 Ed25519 signature of the header. Never throws. */
export function verifyBundleHeaderSignature(header: BundleHeader, publicKey: KeyInput): boolean {
  try {
    const bytes = Buffer.from(header.signature, 'base64');
    if (bytes.length !== 64 || bytes.toString('base64') !== header.signature) return false;
    return verify(null, signingPayload(header), parsePublicKey(publicKey), bytes);
  } catch {
    return false;
  }
}
