import { DomainError, FieldError } from './domain-error';

/**
 * Validation that returns errors instead of throwing, so a decide function can collect every
 * field error of a command and report them together.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

export const fail = (field: string, message: string): Parsed<never> => ({
  ok: false,
  errors: [{ field, message }],
});

export function errorsOf(...results: readonly Parsed<unknown>[]): FieldError[] {
  return results.flatMap((result) => (result.ok ? [] : result.errors));
}

/** Throws one `invalid` DomainError listing every field error, or does nothing. */
export function throwIfInvalid(errors: readonly FieldError[]): void {
  if (errors.length > 0) throw DomainError.invalid(errors);
}

type ParsedValues<T extends Record<string, Parsed<unknown>>> = {
  [K in keyof T]: T[K] extends Parsed<infer V> ? V : never;
};

/**
 * The values of every parsed field, or one `invalid` DomainError listing all their errors.
 * Cross-field rules run on the returned values, after each field is valid on its own.
 */
export function validFields<T extends Record<string, Parsed<unknown>>>(fields: T): ParsedValues<T> {
  return valueOrThrow(parsedFields(fields));
}

/** Every field parsed, or all their errors: the non-throwing validFields, for parse<Command>. */
export function parsedFields<T extends Record<string, Parsed<unknown>>>(
  fields: T,
): Parsed<ParsedValues<T>> {
  const errors = errorsOf(...Object.values(fields));
  return errors.length > 0
    ? { ok: false, errors }
    : ok(
        Object.fromEntries(
          Object.entries(fields).map(([key, parsed]) => [
            key,
            (parsed as { value: unknown }).value,
          ]),
        ) as ParsedValues<T>,
      );
}

/** A command's data as it arrives at the edge: the same fields, of any type until parsed. */
export type Unparsed<Data> = { [K in keyof Data]?: unknown };

/** The parsed value, or one `invalid` DomainError listing every field error. */
export function valueOrThrow<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw DomainError.invalid(parsed.errors);
  return parsed.value;
}

/** Longest id a caller may choose; the HTTP router admits path parameters of this length. */
export const MAX_ID_LENGTH = 128;

/** Ids are chosen by callers (UUIDs, slugs): printable, no spaces, bounded. */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${MAX_ID_LENGTH - 1}}$`);

export function parseId(value: unknown, field: string): Parsed<string> {
  return typeof value === 'string' && ID_PATTERN.test(value)
    ? ok(value)
    : fail(
        field,
        'must be an id of 1 to 128 letters, digits, or _ . : - (not starting with a symbol)',
      );
}

export function parseText(value: unknown, field: string, maxLength = 200): Parsed<string> {
  if (typeof value !== 'string' || value.trim() === '') {
    return fail(field, 'must be a non-empty string');
  }
  if (value !== value.trim()) return fail(field, 'must not start or end with whitespace');
  if (value.length > maxLength) return fail(field, `must be at most ${maxLength} characters`);
  return ok(value);
}

export function parseBoolean(value: unknown, field: string): Parsed<boolean> {
  return typeof value === 'boolean' ? ok(value) : fail(field, 'must be true or false');
}

export function parseInteger(
  value: unknown,
  field: string,
  range: { min?: number; max?: number } = {},
): Parsed<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return fail(field, 'must be an integer');
  }
  if (value < min || value > max) return fail(field, rangeMessage(min, max));
  return ok(value);
}

export function parseNumber(
  value: unknown,
  field: string,
  range: { min: number; max: number },
): Parsed<number> {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(field, 'must be a number');
  if (value < range.min || value > range.max) {
    return fail(field, rangeMessage(range.min, range.max));
  }
  return ok(value);
}

function rangeMessage(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER) return `must be at least ${min}`;
  if (min === Number.MIN_SAFE_INTEGER) return `must be at most ${max}`;
  return `must be between ${min} and ${max}`;
}

export function parseOneOf<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
): Parsed<T> {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? ok(value as T)
    : fail(field, `must be one of ${allowed.join(', ')}`);
}

/**
 * A list whose items are parsed one by one (errors name the item: `field[i]...`), with an
 * optional key under which items must be unique.
 */
export function parseList<T>(
  value: unknown,
  field: string,
  item: (value: unknown, field: string) => Parsed<T>,
  options: { min?: number; max: number; uniqueBy?: (item: T) => string; uniqueField?: string },
): Parsed<T[]> {
  const { min = 0, max } = options;
  if (!Array.isArray(value)) return fail(field, 'must be a list');
  if (value.length < min) {
    return fail(field, min === 1 ? 'must not be empty' : `must have at least ${min} items`);
  }
  if (value.length > max) return fail(field, `must have at most ${max} items`);
  const errors: FieldError[] = [];
  const items: T[] = [];
  const seen = new Set<string>();
  value.forEach((raw, index) => {
    const itemField = `${field}[${index}]`;
    const parsed = item(raw, itemField);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      return;
    }
    if (options.uniqueBy) {
      const key = options.uniqueBy(parsed.value);
      const keyField = options.uniqueField ? `${itemField}.${options.uniqueField}` : itemField;
      if (seen.has(key)) errors.push({ field: keyField, message: `duplicates ${key}` });
      seen.add(key);
    }
    items.push(parsed.value);
  });
  return errors.length > 0 ? { ok: false, errors } : ok(items);
}

/** `undefined` stays absent; anything else must parse. */
export function parseOptional<T>(
  value: unknown,
  field: string,
  parse: (value: unknown, field: string) => Parsed<T>,
): Parsed<T | undefined> {
  return value === undefined ? ok(undefined) : parse(value, field);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects keys a nested object must not have (commands reach the domain from JSON). */
export function unknownKeys(
  value: Record<string, unknown>,
  field: string,
  allowed: readonly string[],
): FieldError[] {
  return Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({ field: `${field}.${key}`, message: 'is not a known field' }));
}

type FieldParsers = Record<string, (value: unknown, field: string) => Parsed<unknown>>;
type ParsedObject<P extends FieldParsers> = {
  [K in keyof P]: ReturnType<P[K]> extends Parsed<infer V> ? V : never;
};

/**
 * A nested object: each key is parsed by its parser (errors name `field.key`), any other key is
 * rejected, and the value has exactly the parsers' keys, in their order, whatever order the
 * input had: events built from it serialise the same way every time.
 */
export function parseObject<P extends FieldParsers>(
  value: unknown,
  field: string,
  parsers: P,
): Parsed<ParsedObject<P>> {
  const keys = Object.keys(parsers);
  if (!isPlainObject(value)) return fail(field, `must be an object with ${keys.join(', ')}`);
  const errors = unknownKeys(value, field, keys);
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const parsed = parsers[key](
      Object.hasOwn(value, key) ? value[key] : undefined,
      `${field}.${key}`,
    );
    if (parsed.ok) result[key] = parsed.value;
    else errors.push(...parsed.errors);
  }
  return errors.length > 0 ? { ok: false, errors } : ok(result as ParsedObject<P>);
}
