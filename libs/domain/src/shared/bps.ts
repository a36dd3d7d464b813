/** Basis points: integer hundredths of a percent, the unit of every fee. */
import { parseInteger, Parsed } from './validation';

export const BPS_WHOLE = 10_000;

export function parseBps(value: unknown, field: string): Parsed<number> {
  return parseInteger(value, field, { min: 0, max: BPS_WHOLE });
}
