/**
 * The clock of a service started with `CLOCK=sandbox`, moved through the public API
 * (`POST /v1/sandbox/clock`, operator): what the demo's week needs to happen on a real
 * `npm start` instead of an in-process ManualClock.
 */
import { Caller } from './api-client';
import { SettableClock } from './settlement';

export class SandboxClock implements SettableClock {
  /** What the service's clock read at its last move (it reads real time until moved). */
  private movedTo = 0;

  constructor(private readonly operator: Caller) {}

  now(): Date {
    return new Date(Math.max(this.movedTo, Date.now()));
  }

  async set(iso: string): Promise<void> {
    const moved = await this.operator.post<{ now: string }>('/v1/sandbox/clock', {
      advanceTo: iso,
    });
    this.movedTo = Date.parse(moved.now);
  }
}
