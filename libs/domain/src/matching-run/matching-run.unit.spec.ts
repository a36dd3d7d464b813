import { rehydrate } from '../events.registry';
import { CorruptStreamError, fold } from '../shared/aggregate';
import { DeciderSpecification } from '../shared/decider-specification';
import {
  allocationInput,
  allocationMade,
  recordMatchingRun,
  secondAllocationInput,
} from '../testing/examples';
import {
  AllocationInput,
  AllocationMade,
  allocationById,
  allocationsOf,
  evolveMatchingRun,
  initialMatchingRunState,
  MatchingRun,
  MatchingRunCompleted,
  matchingRunDecider,
  MatchingRunEvent,
  matchingRunStreamId,
  MatchingRunState,
} from '.';

const spec = DeciderSpecification.for(matchingRunDecider);

const made = (input: AllocationInput, overrides: Partial<AllocationMade['data']> = {}) =>
  allocationMade({ ...(input as Omit<AllocationMade['data'], 'runId'>), ...overrides });

const completed = (
  overrides: Partial<MatchingRunCompleted['data']> = {},
): MatchingRunCompleted => ({
  type: 'MatchingRunCompleted',
  schemaVersion: 1,
  data: {
    runId: 'run-1',
    requestedBy: 'operator-1',
    completedAt: '2026-03-01T09:00:05.250Z',
    horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' },
    inputPosition: 42,
    inputHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    platformFeeBps: 1_000,
    welfare: 1_600,
    allocationCount: 2,
    filledGpuHours: 16,
    prices: [
      { siteId: 'site-1', slot: '2026-03-01T10:00:00Z', currency: 'EUR', pricePerGpuHour: 180 },
      { siteId: 'site-1', slot: '2026-03-01T11:00:00Z', currency: 'EUR', pricePerGpuHour: 190 },
    ],
    unfilledOrderIds: ['order-2'],
    ...overrides,
  },
});

const recorded: MatchingRunEvent[] = [
  made(allocationInput()),
  made(secondAllocationInput()),
  completed(),
];

describe('RecordMatchingRun', () => {
  it('records one AllocationMade per allocation, in order, then the run', () =>
    spec.given([]).when(recordMatchingRun()).then(recorded));

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
    expect(state.allocations['alloc-2']).toEqual(made(secondAllocationInput()).data);
    expect(state.status === 'completed' && state.summary).toEqual(completed().data);
  });

  it('lists the allocations in the order the run made them', () => {
    expect(allocationsOf(run()).map((a) => a.allocationId)).toEqual(['alloc-1', 'alloc-2']);
    expect(allocationById(run(), 'alloc-1')).toEqual(made(allocationInput()).data);
    expect(allocationById(run(), 'constructor')).toBeUndefined();
  });

  it('has no allocations before the run is recorded', () => {
    expect(allocationsOf(initialMatchingRunState())).toEqual([]);
    expect(allocationById(initialMatchingRunState(), 'alloc-1')).toBeUndefined();
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
