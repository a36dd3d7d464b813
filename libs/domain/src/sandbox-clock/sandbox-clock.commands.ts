import { Command } from '../shared/event';

/** Typed at the edge by parseAdvanceSandboxClock; `now` is what the clock reads at the request. */
export type AdvanceSandboxClock = Command<
  'AdvanceSandboxClock',
  { advanceTo: string; now: string; actorId: string }
>;

export type SandboxClockCommand = AdvanceSandboxClock;
