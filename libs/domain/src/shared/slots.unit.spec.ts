import { addHours, parseInstant, parseSlot, slotHour, slotOf } from './slots';
import { message, value } from './parsed-value.fixture';

describe('slots', () => {
  it('are whole UTC hours, stored as YYYY-MM-DDTHH:00:00Z', () => {
    expect(value(parseSlot('2026-03-01T10:00:00Z', 'slot'))).toBe('2026-03-01T10:00:00Z');
    expect(value(parseSlot('2026-03-01T10:00:00.000Z', 'slot'))).toBe('2026-03-01T10:00:00Z');
    expect(value(parseSlot('2028-02-29T23:00:00Z', 'slot'))).toBe('2028-02-29T23:00:00Z');
  });

  it('reject other time zones, even at the same instant', () => {
    expect(message(parseSlot('2026-03-01T11:00:00+01:00', 'slot'))).toMatch(/UTC/);
    expect(message(parseSlot('2026-03-01T10:00:00', 'slot'))).toMatch(/UTC/);
  });

  it('reject times inside an hour', () => {
    for (const slot of [
      '2026-03-01T10:30:00Z',
      '2026-03-01T10:00:01Z',
      '2026-03-01T10:00:00.001Z',
    ]) {
      expect(message(parseSlot(slot, 'slot'))).toMatch(/whole hour/);
    }
  });

  it('reject dates that do not exist and values that are not dates', () => {
    for (const slot of [
      '2026-02-29T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-03-01T24:00:00Z',
      '1969-12-31T23:00:00Z',
    ]) {
      expect(message(parseSlot(slot, 'slot'))).toMatch(/not a valid/);
    }
    for (const slot of ['2026-03-01', 1_772_359_200_000, null, '2026-03-01 10:00:00Z']) {
      expect(parseSlot(slot, 'slot').ok).toBe(false);
    }
  });

  it('name the field in their errors', () =>
    expect(parseSlot('nope', 'profile[3].slot')).toEqual({
      ok: false,
      errors: [{ field: 'profile[3].slot', message: expect.any(String) }],
    }));

  it('compare and add as integer hours', () => {
    expect(slotHour('2026-03-01T10:00:00Z') - slotHour('2026-02-28T22:00:00Z')).toBe(12);
    expect(addHours('2026-02-28T23:00:00Z', 1)).toBe('2026-03-01T00:00:00Z');
    expect(slotOf('2026-03-01T10:59:59.999Z')).toBe('2026-03-01T10:00:00Z');
  });

  it('come with instants stored to the millisecond in UTC', () => {
    expect(value(parseInstant('2026-03-01T10:15:30Z', 'at'))).toBe('2026-03-01T10:15:30.000Z');
    expect(parseInstant('2026-03-01T10:15:30+02:00', 'at').ok).toBe(false);
  });
});
