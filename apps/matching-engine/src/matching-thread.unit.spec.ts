import { canonicalJson, matchOrders, MatchingInputError } from '@policloud/matching';
import { randomSnapshot } from '../../../libs/matching/src/testing/random-snapshot';
import { longestPauseDuring } from '@policloud/test-support/event-loop-pauses';
import { MatchingThread } from './matching-thread';

describe('MatchingThread: matching off the event loop', () => {
  const thread = new MatchingThread();
  afterAll(() => thread.onApplicationShutdown());

  it('returns exactly what matchOrders returns in process, for concurrent runs too', async () => {
    const snapshots = [1, 2, 3].map((seed) =>
      randomSnapshot({ seed, orders: 60, sites: 4, slots: 12, maxGpus: 16 }),
    );
    const results = await Promise.all(snapshots.map((snapshot) => thread.match(snapshot)));
    results.forEach((result, i) => {
      expect(canonicalJson(result)).toBe(canonicalJson(matchOrders(snapshots[i])));
    });
  }, 60_000);

  it('rejects a malformed snapshot with the matching error and keeps serving', async () => {
    const snapshot = randomSnapshot({ seed: 4, orders: 10, sites: 2, slots: 6 });
    const duplicated = { ...snapshot, orders: [...snapshot.orders, snapshot.orders[0]] };
    await expect(thread.match(duplicated)).rejects.toBeInstanceOf(MatchingInputError);
    await expect(thread.match(snapshot)).resolves.toEqual(matchOrders(snapshot));
  }, 60_000);

  it('keeps the event loop turning while a large market is matched', async () => {
    const snapshot = randomSnapshot({ seed: 5, orders: 2_000, sites: 20, slots: 48 });
    await thread.match(randomSnapshot({ seed: 6, orders: 5, sites: 1, slots: 2 })); // warm
    const { pauseMs, runMs } = await longestPauseDuring(() => thread.match(snapshot));
    // Inline, the loop would pause for the whole run; on the thread it only hands messages over.
    expect(runMs).toBeGreaterThan(200);
    expect(pauseMs).toBeLessThan(runMs / 4);
  }, 60_000);
});
