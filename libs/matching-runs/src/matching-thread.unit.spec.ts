import { matchOrders, MatchingInputError } from '@policloud/matching';
import { canonicalJson } from '@policloud/audit';
import { randomSnapshot } from '../../../libs/matching/src/testing/random-snapshot';
import { longestPauseDuring } from '@policloud/test-support/event-loop-pauses';
import { MatchingThread } from './matching-thread';
import { hashOf } from './matching-input';
import { allocationInputs, runDecisions } from './run-events';
import { contextOf } from './testing/run-context';

/** A small work budget: the thread must return what the engine returns at any budget. */
const ENGINE = { workBudget: 200_000 };

describe('MatchingThread: matching off the event loop', () => {
  const thread = new MatchingThread(ENGINE);
  afterAll(() => thread.onApplicationShutdown());

  it('returns exactly what matchOrders returns in process, for concurrent runs too', async () => {
    const snapshots = [1, 2, 3].map((seed) =>
      randomSnapshot({ seed, orders: 60, sites: 4, slots: 12, maxGpus: 16 }),
    );
    const results = await Promise.all(snapshots.map((snapshot) => thread.match(snapshot)));
    results.forEach((result, i) => {
      expect(canonicalJson(result)).toBe(canonicalJson(matchOrders(snapshots[i], ENGINE)));
    });
  }, 60_000);

  it('rejects a malformed snapshot with the matching error and keeps serving', async () => {
    const snapshot = randomSnapshot({ seed: 4, orders: 10, sites: 2, slots: 6 });
    const duplicated = { ...snapshot, orders: [...snapshot.orders, snapshot.orders[0]] };
    await expect(thread.match(duplicated)).rejects.toBeInstanceOf(MatchingInputError);
    await expect(thread.match(snapshot)).resolves.toEqual(matchOrders(snapshot, ENGINE));
  }, 60_000);

  it('records a run: the same streams and events runDecisions builds in process, completed when matched; replay gives its allocations', async () => {
    const snapshot = randomSnapshot({ seed: 7, orders: 1_500, sites: 16, slots: 24, maxGpus: 16 });
    const context = contextOf(snapshot);
    const run = {
      runId: 'run-7',
      requestedBy: 'operator',
      horizon: { from: snapshot.horizon.start, to: snapshot.horizon.end },
      inputPosition: 42,
      platformFeeBps: 1000,
    };
    let asked = 0;
    const recorded = await thread.record(snapshot, run, context, () => {
      asked++;
      return '2026-03-02T01:02:03.000Z';
    });
    const expected = runDecisions(
      { ...run, completedAt: '2026-03-02T01:02:03.000Z', inputHash: hashOf(snapshot) },
      matchOrders(snapshot, ENGINE),
      context,
    );
    expect(asked).toBe(1);
    expect(recorded.inputHash).toBe(hashOf(snapshot));
    expect(recorded.decisions.length).toBeGreaterThan(100);
    const events = recorded.decisions.reduce((sum, decision) => sum + decision.events.length, 0);
    expect(events).toBeGreaterThan(2_000); // crossed in several parts
    expect(canonicalJson(recorded.decisions)).toBe(canonicalJson(expected));

    const replayed = await thread.replay(snapshot, context);
    expect(replayed.inputHash).toBe(hashOf(snapshot));
    expect(canonicalJson(replayed.allocations)).toBe(
      canonicalJson(allocationInputs(matchOrders(snapshot, ENGINE), context)),
    );
  }, 60_000);

  it('keeps the event loop turning while a large market is matched', async () => {
    // Large enough that the run lasts well over 200 ms on an idle machine too.
    const snapshot = randomSnapshot({ seed: 5, orders: 5_000, sites: 30, slots: 48 });
    await thread.match(randomSnapshot({ seed: 6, orders: 5, sites: 1, slots: 2 })); // warm
    const { pauseMs, runMs } = await longestPauseDuring(() => thread.match(snapshot));
    // Inline, the loop would pause for the whole run; on the thread it only hands messages over.
    expect(runMs).toBeGreaterThan(200);
    expect(pauseMs).toBeLessThan(runMs / 4);
  }, 60_000);
});
