import { completed, made, recordMatchingRun } from '../testing/examples';
import { allocationInput, secondAllocationInput } from '../testing/examples';
import { matchingRunDecider } from './index';
import { parseRecordMatchingRun } from './matching-run.parse';
import { UnfilledOrderReason } from './unfilled-orders';

const outbid: UnfilledOrderReason = {
  orderId: 'order-2',
  reason: 'outbid',
  message: 'Outbid: the GPUs it could use cleared at 2.50 EUR per GPU-hour or more.',
  slotsRequested: 2,
  slotsFilled: 0,
  unfilledGpuHours: 16,
  clearingPricePerGpuHour: 250,
};

describe('matching run: why orders were left unfilled', () => {
  it('records the reasons between the allocations and the completion', () => {
    const events = matchingRunDecider.decide(
      recordMatchingRun({ unfilled: [outbid] }),
      matchingRunDecider.initialState(),
    );
    // The example's two allocations are one order's consecutive hours on one site: one range.
    expect(events.map((e) => e.type)).toEqual([
      'AllocationMade',
      'OrdersLeftUnfilled',
      'MatchingRunCompleted',
    ]);
    expect(events[1].data).toEqual({ runId: 'run-1', orders: [outbid] });
    const state = matchingRunDecider.evolveAll!(matchingRunDecider.initialState(), events);
    expect(state).toMatchObject({ status: 'completed', unfilled: [outbid] });
  });

  it('reads a run recorded before reasons existed', () => {
    const state = matchingRunDecider.evolveAll!(matchingRunDecider.initialState(), [
      made(allocationInput()),
      made(secondAllocationInput()),
      completed(),
    ]);
    expect(state.status).toBe('completed');
    expect('unfilled' in state && state.unfilled).toBeFalsy();
  });

  it('refuses a reason for an order not listed unfilled, or a missing one, or an unknown code', () => {
    const parse = (unfilled: unknown[]) =>
      parseRecordMatchingRun({ ...recordMatchingRun().data, unfilled } as never);
    const fields = (result: ReturnType<typeof parse>) =>
      result.ok ? [] : result.errors.map((e) => e.field);
    expect(fields(parse([{ ...outbid, orderId: 'order-9' }]))).toEqual(['unfilled[0].orderId']);
    expect(fields(parse([]))).toEqual(['unfilled']);
    expect(fields(parse([{ ...outbid, reason: 'capacity' }]))).toEqual(['unfilled[0].reason']);
    expect(fields(parse([{ ...outbid, extra: 1 }]))).toEqual(['unfilled[0].extra']);
    const parsed = parse([{ ...outbid, constraint: undefined }]);
    expect(parsed.ok && parsed.value.data.unfilled).toEqual([outbid]);
  });
});
