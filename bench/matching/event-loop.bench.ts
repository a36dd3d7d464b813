/**
 * Event loop during a matching run: what the service's other requests wait.
 *
 *   npm run bench:matching-event-loop [-- --quick]
 *
 * The benchmark market (10,000 orders × 100 sites × 168 slots; --quick: 2,000 × 20 × 48) is
 * matched inline (`matchOrders`, the reference) and on the matching thread (`MatchingThread`,
 * what the service does), while a 5 ms timer records the longest pause of the event loop.
 * Figures go to stdout as `RESULT key=value`; progress goes to stderr.
 */
import { MatchingThread } from '@policloud/matching-runs';
import { matchOrders, MatchingSnapshot } from '../../libs/matching/src';
import { randomSnapshot } from '../../libs/matching/src/testing/random-snapshot';
import { longestPauseDuring } from '../../test/support/event-loop-pauses';
import { bySize, progress, result } from '../support/bench-io';

async function main(): Promise<void> {
  const market = bySize({
    full: { seed: 42, orders: 10_000, sites: 100, slots: 168 },
    quick: { seed: 42, orders: 2_000, sites: 20, slots: 48 },
    smoke: { seed: 42, orders: 300, sites: 5, slots: 24 },
  });
  const snapshot: MatchingSnapshot = randomSnapshot(market);
  progress(`${market.orders} orders × ${market.sites} sites × ${market.slots} slots`);
  const thread = new MatchingThread();
  try {
    await thread.match(snapshot); // warm-up: starts the thread and compiles its code
    matchOrders(snapshot);
    const inline = await longestPauseDuring(async () => matchOrders(snapshot));
    progress(
      `inline: run ${inline.runMs.toFixed(0)} ms, longest pause ${inline.pauseMs.toFixed(0)} ms`,
    );
    const threaded = await longestPauseDuring(() => thread.match(snapshot));
    progress(
      `thread: run ${threaded.runMs.toFixed(0)} ms, longest pause ${threaded.pauseMs.toFixed(1)} ms`,
    );
    result('event_loop_pause_ms_inline', Math.round(inline.pauseMs));
    result('event_loop_pause_ms_thread', threaded.pauseMs, 1);
    result('pause_ratio_thread_vs_inline', threaded.pauseMs / inline.pauseMs, 3);
    result('run_ms_thread_vs_inline', threaded.runMs / inline.runMs, 2);
  } finally {
    await thread.onApplicationShutdown();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
