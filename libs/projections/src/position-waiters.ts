import { ProjectionLagTimeoutError } from './projection-lag-timeout.error';

interface Waiter {
  position: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

/** The longest a read waits for read models that keep moving but trail the writes. */
const MAX_WAIT_MS = 120_000;

/**
 * Callers waiting for the read models to reach a position. A waiter gives up when the read
 * models stall (`timeoutMs` without progress) or trail for `MAX_WAIT_MS` in all: a long catch-up
 * that keeps moving (the tens of thousands of events of a large matching run) is waited out.
 */
export class PositionWaiters {
  private reached = 0;
  private waiters: Waiter[] = [];
  /** When the position last moved: a waiter times out only after that long without a move. */
  private progressedAt = 0;

  get position(): number {
    return this.reached;
  }

  /** When the position last moved (ms since the epoch), 0 before it first did. */
  get lastProgressAt(): number {
    return this.progressedAt;
  }

  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /** Sets the position without counting it as progress (a checkpoint read at start). */
  reset(position: number): void {
    this.reached = position;
  }

  /** The read models now include `position`: releases every waiter it satisfies. */
  advance(position: number): void {
    if (position <= this.reached) return;
    this.reached = position;
    this.progressedAt = Date.now();
    const done = this.waiters.filter((waiter) => waiter.position <= position);
    this.waiters = this.waiters.filter((waiter) => waiter.position > position);
    done.forEach((waiter) => waiter.resolve());
  }

  waitFor(position: number, timeoutMs: number): Promise<void> {
    if (this.reached >= position) return Promise.resolve();
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        const now = Date.now();
        const lastMove = Math.max(started, this.progressedAt);
        if (now - lastMove >= timeoutMs || now - started >= MAX_WAIT_MS) {
          this.waiters = this.waiters.filter((other) => other !== waiter);
          return reject(new ProjectionLagTimeoutError(position, this.reached));
        }
        waiter.timer = setTimeout(check, lastMove + timeoutMs - now);
      };
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(check, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }
}
