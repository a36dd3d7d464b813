import { createHash, randomBytes } from 'node:crypto';

/** A new API key: shown once to its holder, stored only as its hash. */
export function generateApiKey(): string {
  return `pc_${randomBytes(32).toString('base64url')}`;
}

/** Keys are 256-bit random secrets, so a fast hash is enough (nothing to brute-force). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Looks a key's hash up in the read models; the marketplace provides it. */
export interface PrincipalDirectory {
  findByKeyHash(keyHash: string): Promise<import('./roles').Principal | null>;
}

export const PRINCIPAL_DIRECTORY = Symbol('PRINCIPAL_DIRECTORY');
