/** Test fixture (not exported from the lib): signing keys from fixed seeds, so reports never drift. */
import { createHash } from 'node:crypto';
import { publicKeyOf } from './checkpoint';

/** An Ed25519 key as the base64 of a 32-byte seed derived from a label. */
export function seededSigningKey(label: string): string {
  return createHash('sha256').update(label, 'utf8').digest('base64');
}

export const SCENARIO_KEY = seededSigningKey('policloud audit verifier scenarios');
export const OTHER_KEY = seededSigningKey('policloud audit verifier scenarios: another key');
export const SCENARIO_PUBLIC_KEY = publicKeyOf(SCENARIO_KEY);
export const OTHER_PUBLIC_KEY = publicKeyOf(OTHER_KEY);
