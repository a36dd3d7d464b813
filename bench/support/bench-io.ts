/** Tiny helpers shared by the benchmarks: figures on stdout, everything else on stderr. */

export function hasFlag(name: string): boolean {
  return process.argv.slice(2).includes(name);
}

/**
 * How big a run is: `full` by default, `--quick` within a minute, `--smoke` a few seconds (only
 * proves the bench still runs end to end and prints its figures: `npm run bench:smoke`).
 */
export type BenchSize = 'full' | 'quick' | 'smoke';

export function benchSize(): BenchSize {
  return hasFlag('--smoke') ? 'smoke' : hasFlag('--quick') ? 'quick' : 'full';
}

/** The value for this run's size. */
export function bySize<T>(values: Record<BenchSize, T>): T {
  return values[benchSize()];
}

/** Prints one figure as `RESULT key=value`: rates as integers, ratios with 2 decimals. */
export function result(
  key: string,
  value: number,
  decimals = Number.isInteger(value) ? 0 : value >= 100 ? 0 : 2,
): void {
  process.stdout.write(
    `RESULT ${key}=${Number.isFinite(value) ? value.toFixed(decimals) : 'NaN'}\n`,
  );
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
