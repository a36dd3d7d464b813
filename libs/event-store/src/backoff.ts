/**
 * Retry pacing and the state every long-running worker reports (projections, the Kafka relay,
 * the audit sealer, scheduled matching): a worker never stops for good on an error, it retries
 * from its checkpoint after a capped exponential delay and says so in /health and the logs.
 */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  initialMs: number;
  /** No delay grows beyond this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 30_000 };

/** The delay before retry number `failures` (1 = after the first failure): doubles, capped. */
export function backoffDelay(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}

/** `standby`: another process of the deployment leads this singleton worker. */
export type WorkerState = 'running' | 'retrying' | 'stopped' | 'standby';

export interface WorkerStatus {
  state: WorkerState;
  /** Consecutive failures since the last success (0 when healthy). */
  failures: number;
  lastError?: string;
  /** When the last failure happened (ISO 8601). */
  lastErrorAt?: string;
}

/** Counts consecutive failures of one worker and turns them into a status and a next delay. */
export class FailureTracker {
  private failures = 0;
  private lastError: string | undefined;
  private lastErrorAt: string | undefined;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** Records a failure; returns how long to wait before the next attempt. */
  failed(error: unknown): number {
    this.failures += 1;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.lastErrorAt = new Date().toISOString();
    return backoffDelay(this.failures, this.policy);
  }

  succeeded(): void {
    this.failures = 0;
  }

  get failing(): boolean {
    return this.failures > 0;
  }

  status(stopped = false): WorkerStatus {
    return {
      state: stopped ? 'stopped' : this.failures > 0 ? 'retrying' : 'running',
      failures: this.failures,
      ...(this.lastError === undefined
        ? {}
        : { lastError: this.lastError, lastErrorAt: this.lastErrorAt }),
    };
  }
}

/** Runs `task` until it succeeds, waiting a growing delay between attempts; gives up only on `stopped()`. */
export async function retryWithBackoff<T>(
  task: () => Promise<T>,
  options: {
    tracker?: FailureTracker;
    onFailure?: (error: unknown, retryInMs: number) => void;
    stopped?: () => boolean;
    /** Ends a wait between attempts early (a stop). */
    signal?: AbortSignal;
  } = {},
): Promise<T | undefined> {
  const tracker = options.tracker ?? new FailureTracker();
  while (!options.stopped?.()) {
    try {
      const result = await task();
      tracker.succeeded();
      return result;
    } catch (error) {
      const delay = tracker.failed(error);
      options.onFailure?.(error, delay);
      await sleep(delay, options.signal);
    }
  }
  return undefined;
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}
