// The week the map and the energy view show: from `?week=` in the address, else today 00:00 UTC.
import { el, HOUR_MS, isoSlot, WEEK_HOURS } from './format.js';

const DAY_MS = 24 * HOUR_MS;

export function initialWeekStart() {
  const requested = Date.parse(new URLSearchParams(location.search).get('week') ?? '');
  const start = Number.isNaN(requested) ? Date.now() : requested;
  return Number.isNaN(requested)
    ? Math.floor(start / DAY_MS) * DAY_MS
    : Math.floor(start / HOUR_MS) * HOUR_MS;
}

export function weekRange(weekStart) {
  return { from: isoSlot(weekStart), to: isoSlot(weekStart + WEEK_HOURS * HOUR_MS) };
}

/** The week picker: a UTC start hour and buttons for the week before and after. */
export function weekControl(state, onChange) {
  const input = el('input', {
    id: 'week-start',
    type: 'datetime-local',
    step: 3600,
    value: isoSlot(state.weekStart).slice(0, 16),
  });
  const move = (weeks) => {
    state.weekStart += weeks * WEEK_HOURS * HOUR_MS;
    onChange();
  };
  input.addEventListener('change', () => {
    const chosen = Date.parse(`${input.value}:00Z`);
    if (Number.isNaN(chosen)) return;
    state.weekStart = Math.floor(chosen / HOUR_MS) * HOUR_MS;
    onChange();
  });
  return el(
    'div',
    { class: 'week-control' },
    el('label', { for: 'week-start' }, 'Week starting (UTC)'),
    input,
    el('button', { type: 'button', class: 'secondary', onclick: () => move(-1) }, '← Week before'),
    el('button', { type: 'button', class: 'secondary', onclick: () => move(1) }, 'Week after →'),
  );
}
