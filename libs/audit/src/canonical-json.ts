/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript serialises them. The same value always gives the same bytes,
 * whatever key order or store (jsonb reorders keys) it went through. Written as one appending
 * walk: it runs for every event appended.
 */
export function canonicalJson(value: unknown): string {
  try {
    const json = JSON.stringify(value, sortedKeys);
    if (json === undefined) throw new TypeError(`cannot canonicalise a ${typeof value}`);
    return json;
  } catch (error) {
    if (error !== INDEX_LIKE_KEY) throw error;
    const parts: string[] = [];
    write(value, parts);
    return parts.join('');
  }
}

/**
 * The fast path: native serialisation, objects re-created with sorted keys. JS keeps integer-like
 * keys ("9", "10") first and in numeric order whatever the insertion order, so an object holding
 * one falls back to the explicit walk below.
 */
const INDEX_LIKE_KEY = Symbol('index-like key');

function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError('JSON has no representation for NaN or Infinity');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length > 0 && isIndexLike(keys[0])) throw INDEX_LIKE_KEY;
  if (isSorted(keys)) return value; // already canonical: no copy
  const sorted: Record<string, unknown> = {};
  for (const key of keys.sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/** Array-index-like keys come first in Object.keys, so checking the first one is enough. */
function isIndexLike(key: string): boolean {
  if (key.length === 0 || key.length > 10 || (key.length > 1 && key.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return Number(key) < 4_294_967_295;
}

function write(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('JSON has no representation for NaN or Infinity');
      out.push(JSON.stringify(value));
      return;
    case 'object':
      if (value === null) {
        out.push('null');
      } else if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          write(value[i] ?? null, out);
        }
        out.push(']');
      } else {
        const object = value as Record<string, unknown>;
        // Default sort compares UTF-16 code units, as RFC 8785 requires.
        const keys = Object.keys(object).sort();
        out.push('{');
        let first = true;
        for (const key of keys) {
          const item = object[key];
          if (item === undefined) continue;
          if (!first) out.push(',');
          first = false;
          out.push(JSON.stringify(key), ':');
          write(item, out);
        }
        out.push('}');
      }
      return;
    default:
      throw new TypeError(`cannot canonicalise a ${typeof value}`);
  }
}
