/** Time as the market counts it: whole UTC hour slots and UTC instants, in their stored forms. */
import { fail, ok, Parsed } from './validation';

const HOUR_MS = 3_600_000;

/** Longest span (profile, order window, maintenance window) the domain accepts: a leap year. */
export const MAX_HORIZON_HOURS = 24 * 366;

/** A slot as stored: the start of a whole UTC hour, `2026-03-01T10:00:00Z`. */
export const SLOT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/;

const ISO_UTC =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})?$/;

type Timestamp = { ms: number; minute: number; second: number; fraction: number };

function parseUtc(value: unknown, field: string): Parsed<Timestamp> {
  const match = typeof value === 'string' ? ISO_UTC.exec(value) : null;
  if (!match) return fail(field, 'must be an ISO 8601 UTC date-time, e.g. 2026-03-01T10:00:00Z');
  const [, year, month, day, hour, minute, second, fraction = '0', zone] = match;
  if (zone !== 'Z') return fail(field, 'must be in UTC (end with Z)');
  const ms = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, +fraction.padEnd(3, '0'));
  const date = new Date(ms);
  // Date.UTC silently rolls 2026-02-30 over to March: a round trip catches it.
  if (
    +year < 1970 ||
    date.getUTCFullYear() !== +year ||
    date.getUTCMonth() !== +month - 1 ||
    date.getUTCDate() !== +day ||
    date.getUTCHours() !== +hour ||
    +minute > 59 ||
    +second > 59
  ) {
    return fail(field, 'is not a valid date-time');
  }
  return ok({ ms, minute: +minute, second: +second, fraction: +fraction });
}

/** A whole UTC hour; returned in the stored form `YYYY-MM-DDTHH:00:00Z`. */
export function parseSlot(value: unknown, field: string): Parsed<string> {
  const parsed = parseUtc(value, field);
  if (!parsed.ok) return parsed;
  const { ms, minute, second, fraction } = parsed.value;
  if (minute !== 0 || second !== 0 || fraction !== 0) {
    return fail(field, 'must be a whole hour (HH:00:00Z)');
  }
  return ok(slotAt(ms / HOUR_MS));
}

/** A UTC instant; returned in the stored form `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function parseInstant(value: unknown, field: string): Parsed<string> {
  const parsed = parseUtc(value, field);
  return parsed.ok ? ok(new Date(parsed.value.ms).toISOString()) : parsed;
}

/** Hours since the Unix epoch: slots compare and subtract as integers. */
export function slotHour(slot: string): number {
  return Date.parse(slot) / HOUR_MS;
}

export function slotAt(hour: number): string {
  return new Date(hour * HOUR_MS).toISOString().replace('.000Z', 'Z');
}

export function addHours(slot: string, hours: number): string {
  return slotAt(slotHour(slot) + hours);
}

/** The slot an instant falls in. */
export function slotOf(instant: string): string {
  return slotAt(Math.floor(Date.parse(instant) / HOUR_MS));
}

/** True once the slot's hour has begun at `instant`. */
export function slotHasStarted(slot: string, instant: string): boolean {
  return Date.parse(slot) <= Date.parse(instant);
}
