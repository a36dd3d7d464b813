/** Shape checks for the JSON values of a bundle's lines. */

export const HASH_HEX = /^[0-9a-f]{64}$/;
export const KEY_ID = /^[0-9a-f]{16}$/;

/** A checkpoint or event line that is not shaped as the exporter writes it. */
export class Malformed extends Error {}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectKeys(
  value: Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[],
  what: string,
): void {
  for (const key of required) if (!(key in value)) throw new Malformed(`${what}: missing "${key}"`);
  const allowed = new Set([...required, ...optional]);
  for (const key of Object.keys(value))
    if (!allowed.has(key)) throw new Malformed(`${what}: unexpected field "${key}"`);
}

export function expectInt(value: unknown, what: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Malformed(`${what} is not an integer ≥ ${min}: ${JSON.stringify(value)}`);
  }
  return value;
}

export function expectString(value: unknown, what: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
    throw new Malformed(
      `${what} is not ${pattern ? 'well-formed' : 'a string'}: ${JSON.stringify(value)}`,
    );
  }
  return value;
}
