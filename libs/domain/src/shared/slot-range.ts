import { FieldError } from './domain-error';
import { throwIfInvalid } from './validation';
import { parseSlot } from './slots';

/** Slot bounds of a query (`from`, `to`, both optional), parsed like the domain parses slots. */
export function slotRange(query: { from?: string; to?: string }): { from?: string; to?: string } {
  const errors: FieldError[] = [];
  const parse = (field: 'from' | 'to') => {
    if (query[field] === undefined) return undefined;
    const parsed = parseSlot(query[field], field);
    if (!parsed.ok) errors.push(...parsed.errors);
    return parsed.ok ? parsed.value : undefined;
  };
  const range = { from: parse('from'), to: parse('to') };
  if (range.from && range.to && range.from >= range.to)
    errors.push({ field: 'to', message: 'must be after from' });
  throwIfInvalid(errors);
  return range;
}
