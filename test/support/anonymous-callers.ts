import { randomBytes } from 'node:crypto';
import { RequestOptions } from './marketplace-fixture';

/** The callers every authorization matrix starts with: they hold no valid key. */
export const ANONYMOUS_CALLERS = [
  'a caller without an Authorization header',
  'a caller with a malformed Authorization header',
  'a caller with an unknown API key',
] as const;

/** Their credentials, or undefined for any other caller. */
export function anonymousCredentials(
  caller: string,
  operatorKey: string,
): Pick<RequestOptions, 'key' | 'headers'> | undefined {
  switch (caller) {
    case ANONYMOUS_CALLERS[0]:
      return { key: null };
    case ANONYMOUS_CALLERS[1]:
      // The operator's real key, in a scheme the API does not speak.
      return { key: null, headers: { authorization: `Token ${operatorKey}` } };
    case ANONYMOUS_CALLERS[2]:
      return { key: `pc_${randomBytes(32).toString('base64url')}` };
    default:
      return undefined;
  }
}

/**
 * Credentials of any caller of a matrix: the anonymous ones, else the key its table names
 * (read when the request is made: parties are created after the matrix is declared).
 */
export function callerCredentials(
  caller: string,
  operatorKey: string,
  keys: Readonly<Record<string, () => string>>,
): Pick<RequestOptions, 'key' | 'headers'> {
  const anonymous = anonymousCredentials(caller, operatorKey);
  if (anonymous) return anonymous;
  const key = keys[caller];
  if (!key) throw new Error(`no credentials for ${caller}`);
  return { key: key() };
}
