import { performance } from 'node:perf_hooks';

const TICK_MS = 5;

/**
 * Runs `work` while a timer ticks every few milliseconds; returns the longest gap between ticks
 * (how long the event loop was held) and how long the work took.
 */
export async function longestPauseDuring(
  work: () => Promise<unknown>,
): Promise<{ pauseMs: number; runMs: number }> {
  let longest = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, TICK_MS);
  const started = performance.now();
  let runMs = 0;
  try {
    await work();
    runMs = performance.now() - started;
    // One more turn of the loop, so a pause that ends with the work is measured too.
    await new Promise((resolve) => setTimeout(resolve, TICK_MS * 2));
  } finally {
    clearInterval(ticker);
  }
  return { pauseMs: longest, runMs };
}
