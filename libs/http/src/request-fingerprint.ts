import { createHash } from 'node:crypto';
import { canonicalJson } from '@policloud/audit';

/**
 * What an idempotent request is recognised by: its method, URL and body, the body as canonical
 * JSON so that the same body with its keys in another order is the same request. Stored with
 * each idempotency record (`requestHash`) and compared on every replay.
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}
