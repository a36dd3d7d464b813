import { FieldError } from './problem-details';

/**
 * Deepest nesting of arrays and objects a request may use. The deepest DTO is 4 levels
 * (`constraints.maxDistanceKm.origin.lat`); the limit leaves room while keeping every later
 * recursive step (class-transformer, class-validator, hashing) far from the stack's end.
 */
export const MAX_INPUT_DEPTH = 32;

/**
 * Names that reach an object's prototype. class-transformer skips `__proto__` and `constructor`
 * instead of copying them, so the unknown-field check never saw them: refused here, by name,
 * before anything walks the input.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every reason a request value cannot be taken in, whatever route it goes to: text that
 * PostgreSQL or JSON cannot hold (U+0000, unpaired surrogates) in any string or key, prototype
 * property names, nesting beyond MAX_INPUT_DEPTH. Each error names the field by its path
 * (`location.lat`, `profile.0.wh`); an error in the value as a whole (a bare string body) names
 * it `wholeName`.
 */
export function inputErrors(value: unknown, wholeName: string): FieldError[] {
  const errors: FieldError[] = [];
  collect(value, '', 0, errors);
  return errors.map((error) => (error.field ? error : { ...error, field: wholeName }));
}

function collect(value: unknown, path: string, depth: number, errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (!storable(value)) errors.push({ field: path, message: UNSTORABLE_TEXT });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_INPUT_DEPTH) {
    errors.push({ field: path, message: `must not nest more than ${MAX_INPUT_DEPTH} levels deep` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, join(path, String(index)), depth + 1, errors));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const field = join(path, printable(key));
    if (!storable(key)) errors.push({ field, message: `its name: ${UNSTORABLE_TEXT}` });
    else if (PROTOTYPE_KEYS.has(key))
      errors.push({ field, message: `${key} is never an accepted field` });
    else collect(child, field, depth + 1, errors);
  }
}

const UNSTORABLE_TEXT =
  'must not contain U+0000 or unpaired surrogates (text that cannot be stored)';

/**
 * NUL or a surrogate code point. With the `u` flag a well-formed pair reads as one astral code
 * point, so only unpaired surrogates match `\p{Cs}`.
 */
const UNSTORABLE = /[\0\p{Cs}]/u;

/** Valid Unicode without NUL: what a PostgreSQL text and a JSON document can both hold. */
function storable(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** A key as it can be shown in an error: NUL and lone surrogates as JSON escapes. */
function printable(key: string): string {
  return storable(key) ? key : JSON.stringify(key).slice(1, -1);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
