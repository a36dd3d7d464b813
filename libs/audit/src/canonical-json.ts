/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript serialises them. The same value always gives the same bytes,
 * whatever key order or store (jsonb reorders keys) it went through. Written as one appending
 * walk: it runs for every event appended.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
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
