import { allocationsOf } from './billing-events';

describe('billing reads AllocationMade of either version', () => {
  const shared = {
    runId: 'run-1',
    orderId: 'order-1',
    buyerId: 'buyer-1',
    siteId: 'site-1',
    gpus: 8,
    currency: 'EUR',
  };

  it('a v1 event is one allocation', () => {
    const v1 = {
      ...shared,
      allocationId: 'a-1',
      slot: '2026-03-01T10:00:00Z',
      pricePerGpuHour: 150,
    };
    expect(allocationsOf(1, v1)).toEqual([v1]);
  });

  it('a v2 range is one allocation per slot, each with its own id and price', () => {
    const v2 = {
      ...shared,
      slots: [
        { allocationId: 'a-1', slot: '2026-03-01T10:00:00Z', pricePerGpuHour: 150 },
        { allocationId: 'a-2', slot: '2026-03-01T11:00:00Z', pricePerGpuHour: 170 },
      ],
    };
    expect(allocationsOf(2, v2)).toEqual([
      { ...shared, allocationId: 'a-1', slot: '2026-03-01T10:00:00Z', pricePerGpuHour: 150 },
      { ...shared, allocationId: 'a-2', slot: '2026-03-01T11:00:00Z', pricePerGpuHour: 170 },
    ]);
  });
});
