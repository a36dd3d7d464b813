/** Tiny helpers shared by the benchmarks: figures on stdout, everything else on stderr. */

export function hasFlag(name: string): boolean {
  return process.argv.slice(2).includes(name);
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
