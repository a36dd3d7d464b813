/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript serialises them. The same value always gives the same bytes,
 * whatever key order or store (jsonb reorders keys) it went through. It runs for every event
 * appended, so the serialising is left to the native JSON.stringify; only key order is ours.
 */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value, canonicalOrder);
  if (json === undefined) throw new TypeError(`cannot canonicalise a ${typeof value}`);
  return json;
}

function canonicalOrder(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError('JSON has no representation for NaN or Infinity');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  // Default sort compares UTF-16 code units, as RFC 8785 requires.
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
