import { DeciderSpecification } from '../shared/decider-specification';
import { sandboxClockDecider } from './sandbox-clock';
import { SandboxClockAdvanced } from './sandbox-clock.events';
import { parseAdvanceSandboxClock } from './sandbox-clock.parse';

const spec = DeciderSpecification.for(sandboxClockDecider);
const advance = (advanceTo: string, now = '2026-03-01T10:00:00.000Z') => ({
  type: 'AdvanceSandboxClock' as const,
  data: { advanceTo, now, actorId: 'op-1' },
});
const advanced = (from: string, to: string): SandboxClockAdvanced => ({
  type: 'SandboxClockAdvanced',
  schemaVersion: 1,
  data: { from, to, advancedBy: 'op-1' },
});

describe('sandbox clock: time only moves forward', () => {
  it('moves from what the clock reads now to the time asked for', () => {
    spec
      .given([])
      .when(advance('2026-04-01T00:00:00.000Z'))
      .then([advanced('2026-03-01T10:00:00.000Z', '2026-04-01T00:00:00.000Z')]);
  });

  it('moves on from the last move when real time has not reached it yet', () => {
    spec
      .given([advanced('2026-03-01T10:00:00.000Z', '2026-04-01T00:00:00.000Z')])
      .when(advance('2026-05-01T00:00:00.000Z'))
      .then([advanced('2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z')]);
  });

  it('refuses a time before the last move', () => {
    spec
      .given([advanced('2026-03-01T10:00:00.000Z', '2026-04-01T00:00:00.000Z')])
      .when(advance('2026-03-15T00:00:00.000Z'))
      .thenThrows('conflict', ['advanceTo']);
  });

  it('refuses a time before what real time reads', () => {
    spec.given([]).when(advance('2026-03-01T09:00:00.000Z')).thenThrows('conflict', ['advanceTo']);
  });

  it('refuses standing still (the same time again)', () => {
    spec.given([]).when(advance('2026-03-01T10:00:00.000Z')).thenThrows('conflict', ['advanceTo']);
  });

  it('parses advanceTo as an instant, naming the field when it is not one', () => {
    const parsed = parseAdvanceSandboxClock({
      advanceTo: 'next month',
      now: '2026-03-01T10:00:00.000Z',
      actorId: 'op-1',
    });
    expect(parsed).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'advanceTo' })],
    });
  });
});
