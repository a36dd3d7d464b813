import { createHash } from 'node:crypto';

/** Namespace of Policloud's name-based UUIDs (RFC 9562 version 5). */
const NAMESPACE = Buffer.from('6f1c1d2a9b7e4c0f8a3e5d2b7c9e1f40', 'hex');

/** A UUID v5: the same name always gives the same id (idempotent retries reuse their ids). */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
