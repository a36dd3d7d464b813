/** The time commands are stamped with; injected so tests can move it. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told otherwise (tests). */
export class ManualClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = new Date(iso);
  }
}

/**
 * CLOCK=sandbox: real time, until an operator moves it forward (a SandboxClockAdvanced event);
 * it then reads the time moved to until real time passes it. It only ever moves forward, so
 * replaying the log's moves in any order of arrival gives the same reading.
 */
export class SandboxClock implements Clock {
  private advancedToMs = -Infinity;

  constructor(private readonly real: Clock = systemClock) {}

  now(): Date {
    return new Date(Math.max(this.real.now().getTime(), this.advancedToMs));
  }

  /** A move recorded in the log (by this process or another replica). */
  observe(advancedTo: string): void {
    this.advancedToMs = Math.max(this.advancedToMs, Date.parse(advancedTo));
  }
}
