import { DomainEvent } from '../shared/event';

/**
 * The operator moved the sandbox clock forward (CLOCK=sandbox only). Every later command reads
 * its time from the clock, so replays and audits see the same time the service did.
 */
export type SandboxClockAdvanced = DomainEvent<
  'SandboxClockAdvanced',
  {
    /** What the clock read when it was moved. */
    from: string;
    /** What it reads from now on (until real time passes it, or the next move). */
    to: string;
    advancedBy: string;
  },
  1
>;

export type SandboxClockEvent = SandboxClockAdvanced;
