/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript serialises them. The same value always gives the same bytes,
 * whatever key order or store (jsonb reorders keys) it went through. It runs for every event
 * appended and verified, hence the native serialisation of sorted copies below.
 */
export function canonicalJson(value: unknown): string {
  try {
    const json = JSON.stringify(sortedCopy(value, ''));
    if (json === undefined) throw new TypeError(`cannot canonicalise a ${typeof value}`);
    return json;
  } catch (error) {
    if (error !== NEEDS_WALK) throw error;
    const parts: string[] = [];
    write(value, parts);
    return parts.join('');
  }
}

/**
 * The fast path: the value with every object's keys in sorted order (objects already sorted are
 * reused, not copied), then serialised natively without a replacer. Two kinds of objects take the
 * explicit walk below instead: those with integer-like keys ("9", "10"), which JS keeps first and
 * in numeric order whatever the insertion order, and a "__proto__" key, which a plain object
 * cannot be given by assignment.
 */
const NEEDS_WALK = Symbol('needs the explicit walk');

function sortedCopy(input: unknown, key: string | number): unknown {
  let value = input;
  // As in JSON.stringify: an object's toJSON (a Date's) stands for it.
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, String(key)) as unknown;
  }
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('JSON has no representation for NaN or Infinity');
    }
    return value;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const sorted = sortedCopy(item, index);
      if (sorted !== item) {
        copy ??= value.slice();
        copy[index] = sorted;
      }
    }
    return copy ?? value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length > 0 && isIndexLike(keys[0])) throw NEEDS_WALK;
  let copy: Record<string, unknown> | undefined;
  if (!isSorted(keys)) {
    sortKeys(keys);
    copy = {};
  }
  for (const name of keys) {
    if (name === '__proto__') throw NEEDS_WALK;
    const item = object[name];
    const sorted = sortedCopy(item, name);
    if (copy) {
      copy[name] = sorted;
    } else if (sorted !== item) {
      copy = { ...object }; // same, sorted, key order
      copy[name] = sorted;
    }
  }
  return copy ?? value;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/**
 * Sorts by UTF-16 code units as Array.prototype.sort does by default; an insertion sort for the
 * few keys of a typical object takes half the time of the generic sort.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 32) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
}

/** Array-index-like keys come first in Object.keys, so checking the first one is enough. */
function isIndexLike(key: string): boolean {
  if (key.length === 0 || key.length > 10 || (key.length > 1 && key.charCodeAt(0) === 48))
    return false;
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
      if (!Number.isFinite(value))
        throw new TypeError('JSON has no representation for NaN or Infinity');
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
