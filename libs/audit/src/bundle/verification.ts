export type BundleFailureKind =
  | 'parse'
  | 'malformed'
  | 'header'
  | 'untrusted_key'
  | 'order'
  | 'checkpoint_signature'
  | 'checkpoint_chain'
  | 'checkpoint_cosignatures'
  | 'event_hash'
  | 'chain_break'
  | 'missing_checkpoint'
  | 'missing_proof'
  | 'inclusion_proof'
  | 'position'
  | 'header_signature'
  | 'missing_event'
  | 'missing_stream'
  | 'unlisted'
  | 'selection'
  | 'events_digest';

export interface BundleFailure {
  /** 1-based line number in the bundle (1, the header that lists them, for missing lines). */
  line: number;
  kind: BundleFailureKind;
  message: string;
}

export interface BundleVerification {
  ok: boolean;
  /** keyId of the key checkpoints were verified with (the trusted key when given). */
  keyId?: string;
  /** Sealed events whose hash and inclusion proof verified against a valid checkpoint. */
  eventsVerified: number;
  /** Events with no proof (after the last checkpoint): consistent, but not sealed. */
  unsealedEvents: number;
  checkpointsVerified: number;
  failures: BundleFailure[];
}

/** What is wrong with one line (the line number is the caller's). */
export interface LineProblem {
  kind: BundleFailureKind;
  message: string;
}

/** Collects failures and counts as the lines are verified, then states the result. */
export class VerificationReport {
  private readonly failures: BundleFailure[] = [];
  eventsVerified = 0;
  unsealedEvents = 0;
  checkpointsVerified = 0;

  fail(line: number, kind: BundleFailureKind, message: string): void {
    this.failures.push({ line, kind, message });
  }

  failLine(line: number, problem: LineProblem): void {
    this.fail(line, problem.kind, problem.message);
  }

  get failureCount(): number {
    return this.failures.length;
  }

  /** Failures in line order; on one line, in the order they were found. */
  result(keyId: string | undefined): BundleVerification {
    const failures = [...this.failures].sort((a, b) => a.line - b.line);
    return {
      ok: failures.length === 0,
      ...(keyId ? { keyId } : {}),
      eventsVerified: this.eventsVerified,
      unsealedEvents: this.unsealedEvents,
      checkpointsVerified: this.checkpointsVerified,
      failures,
    };
  }
}
