import { Decider } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import { SandboxClockCommand } from './sandbox-clock.commands';
import { SandboxClockEvent } from './sandbox-clock.events';

/** One stream holds every move: its expected revision keeps concurrent moves in order. */
export const SANDBOX_CLOCK_STREAM = 'sandboxclock-log';

/** The latest time the clock was moved to (undefined: never moved, it reads real time). */
export interface SandboxClockState {
  advancedTo?: string;
}

export const initialSandboxClockState = (): SandboxClockState => ({});

/** Time only moves forward: past what the clock reads now, and past every earlier move. */
export function decideSandboxClock(
  command: SandboxClockCommand,
  state: SandboxClockState,
): SandboxClockEvent[] {
  const { advanceTo, now, actorId } = command.data;
  const reads = Math.max(
    Date.parse(now),
    state.advancedTo ? Date.parse(state.advancedTo) : -Infinity,
  );
  if (Date.parse(advanceTo) <= reads) {
    throw DomainError.conflict(
      `The sandbox clock only moves forward: it reads ${new Date(reads).toISOString()}, ` +
        `advanceTo ${advanceTo} is not later`,
      [{ field: 'advanceTo', message: `must be after ${new Date(reads).toISOString()}` }],
    );
  }
  return [
    {
      type: 'SandboxClockAdvanced',
      schemaVersion: 1,
      data: { from: new Date(reads).toISOString(), to: advanceTo, advancedBy: actorId },
    },
  ];
}

export function evolveSandboxClock(
  _state: SandboxClockState,
  event: SandboxClockEvent,
): SandboxClockState {
  return { advancedTo: event.data.to };
}

export const sandboxClockDecider: Decider<
  SandboxClockState,
  SandboxClockCommand,
  SandboxClockEvent
> = {
  name: 'sandbox-clock',
  initialState: initialSandboxClockState,
  decide: decideSandboxClock,
  evolve: evolveSandboxClock,
};
