import { Parsed } from './validation';

/** The parsed value, or a thrown error listing why parsing failed. */
export const value = <T>(parsed: Parsed<T>): T => {
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};

/** The first error message of a failed parse, or undefined when it succeeded. */
export const message = (parsed: Parsed<unknown>): string | undefined =>
  parsed.ok ? undefined : parsed.errors[0].message;
