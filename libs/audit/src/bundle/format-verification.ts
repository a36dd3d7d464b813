import { BundleVerification } from './verification';

/** The CLI's output for a verification: the lines to print and the exit code. */
export function formatBundleVerification(result: BundleVerification): {
  exitCode: 0 | 1;
  lines: string[];
} {
  if (result.ok) {
    const lines = [
      `PASS: ${result.eventsVerified} events verified against ${result.checkpointsVerified} signed checkpoints (key ${result.keyId ?? 'unknown'})`,
    ];
    if (result.unsealedEvents > 0) {
      lines.push(
        `note: ${result.unsealedEvents} more events are not sealed by a checkpoint yet (hash-consistent, not signed)`,
      );
    }
    return { exitCode: 0, lines };
  }
  return {
    exitCode: 1,
    lines: ['FAIL:', ...result.failures.map((f) => `line ${f.line}: ${f.kind}: ${f.message}`)],
  };
}
