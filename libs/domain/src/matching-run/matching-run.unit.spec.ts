import { rehydrate } from '../events.registry';
import { CorruptStreamError, fold } from '../shared/aggregate';
import { DeciderSpecification } from '../shared/decider-specification';
import { AllocationInput } from './matching-run.commands';
import {
  allocationInput,
  recordMatchingRun,
  secondAllocationInput,
  completed,
  made,
  recorded,
} from '../testing/examples';
import {
  allocationById,
  allocationRanges,
  allocationsIn,
  allocationsOf,
  evolveMatchingRun,
  initialMatchingRunState,
  MatchingRun,
  matchingRunDecider,
  MatchingRunEvent,
  matchingRunStreamId,
  MatchingRunState,
} from '.';

const spec = DeciderSpecification.for(matchingRunDecider);

describe('RecordMatchingRun', () => {
  it('records one AllocationMade per order, site and run of consecutive slots, then the run', () =>
    spec.given([]).when(recordMatchingRun()).then(recorded));

  it('starts another range at a gap, on another site, or with other GPUs', () => {
    const at = (slot: string, overrides: Partial<AllocationInput> = {}) =>
      allocationInput({ allocationId: `a-${slot}-${overrides.siteId ?? ''}`, slot, ...overrides });
    const allocations = [
      at('2026-03-01T10:00:00Z'),
      at('2026-03-01T10:00:00Z', { orderId: 'order-2', siteId: 'site-2' }),
      at('2026-03-01T11:00:00Z', { orderId: 'order-2', siteId: 'site-2' }),
      at('2026-03-01T12:00:00Z', { siteId: 'site-2' }),
      at('2026-03-01T13:00:00Z', { siteId: 'site-2', gpus: 4 }),
      at('2026-03-01T15:00:00Z', { siteId: 'site-2', gpus: 4 }),
    ];
    const ranges = allocationRanges('run-1', allocations);
    expect(
      ranges.map(({ orderId, siteId, from, to, gpus }) => [orderId, siteId, from, to, gpus]),
    ).toEqual([
      ['order-1', 'site-1', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00Z', 8],
      ['order-2', 'site-2', '2026-03-01T10:00:00Z', '2026-03-01T12:00:00Z', 8],
      ['order-1', 'site-2', '2026-03-01T12:00:00Z', '2026-03-01T13:00:00Z', 8],
      ['order-1', 'site-2', '2026-03-01T13:00:00Z', '2026-03-01T14:00:00Z', 4],
      ['order-1', 'site-2', '2026-03-01T15:00:00Z', '2026-03-01T16:00:00Z', 4],
    ]);
    // Every allocation is in exactly one range, as it was proposed.
    expect(ranges.flatMap(allocationsIn).map(({ runId: _, ...a }) => a)).toEqual(
      expect.arrayContaining(allocations),
    );
    expect(ranges.flatMap((range) => range.slots)).toHaveLength(allocations.length);
  });

  it('records a run that allocated nothing', () =>
    spec
      .given([])
      .when(recordMatchingRun({ allocations: [], prices: [], welfare: 0 }))
      .then([completed({ allocationCount: 0, filledGpuHours: 0, prices: [], welfare: 0 })]));

  it('records a run once', () =>
    spec.given(recorded).when(recordMatchingRun()).thenThrows('conflict'));
});

describe('matching run state', () => {
  const run = () => rehydrate(matchingRunDecider, recorded) as MatchingRun;

  it('keeps the allocations by id and the summary', () => {
    const state = run();
    expect(state.status).toBe('completed');
    expect(state.allocations['alloc-2']).toEqual({ runId: 'run-1', ...secondAllocationInput() });
    expect(state.status === 'completed' && state.summary).toEqual(completed().data);
  });

  it('lists the allocations in the order the run made them', () => {
    expect(allocationsOf(run()).map((a) => a.allocationId)).toEqual(['alloc-1', 'alloc-2']);
    expect(allocationById(run(), 'alloc-1')).toEqual({ runId: 'run-1', ...allocationInput() });
    expect(allocationById(run(), 'constructor')).toBeUndefined();
  });

  it('has no allocations before the run is recorded', () => {
    expect(allocationsOf(initialMatchingRunState())).toEqual([]);
    expect(allocationById(initialMatchingRunState(), 'alloc-1')).toBeUndefined();
  });

  it('reads a run stored one allocation per event (v1) as the same allocations', () => {
    const perSlot = [allocationInput(), secondAllocationInput()].map((allocation) => ({
      type: 'AllocationMade',
      schemaVersion: 1,
      data: { runId: 'run-1', ...allocation },
    }));
    const stored = rehydrate(matchingRunDecider, [...perSlot, completed()]);
    expect(allocationsOf(stored)).toEqual(allocationsOf(run()));
  });

  it('reads the same one event at a time as in one pass', () => {
    const stepwise = fold(evolveMatchingRun, initialMatchingRunState(), recorded);
    expect(stepwise).toEqual(run());
  });

  it('folds a large run in one pass', () => {
    const events: MatchingRunEvent[] = Array.from({ length: 20_000 }, (_, i) =>
      made(allocationInput(), { allocationId: `alloc-${i}` }),
    );
    events.push(completed({ allocationCount: 20_000, filledGpuHours: 160_000 }));
    const started = Date.now();
    const state = rehydrate(matchingRunDecider, events);
    expect(allocationsOf(state)).toHaveLength(20_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each<[string, MatchingRunEvent[]]>([
    [
      'an allocation after the run completed',
      [...recorded, made(allocationInput(), { allocationId: 'alloc-3' })],
    ],
    ['an allocation made twice', [made(allocationInput()), made(allocationInput())]],
    [
      'an allocation of another run',
      [made(allocationInput()), made(secondAllocationInput(), { runId: 'run-2' })],
    ],
    ['a count that disagrees with the allocations', [made(allocationInput()), completed()]],
    ['a run completed twice', [...recorded, completed()]],
  ])('refuses a stream with %s', (_, events) => {
    expect(() =>
      fold(evolveMatchingRun, initialMatchingRunState() as MatchingRunState, events),
    ).toThrow(CorruptStreamError);
    expect(() => rehydrate(matchingRunDecider, events)).toThrow(CorruptStreamError);
  });

  it('lives in a stream whose prefix has no dash', () =>
    expect(matchingRunStreamId('run-1')).toBe('matchingrun-run-1'));
});
