import { allocationUsageStreamId } from '@policloud/domain';
import { StreamNotFoundError } from '@policloud/event-store';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import {
  caller,
  marketplaceServices,
  matchedMarket,
  matchingRuns,
  principal,
} from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);

describe('UsageService', () => {
  let matched: Awaited<ReturnType<typeof matchedMarket>>;
  beforeAll(async () => {
    matched = await matchedMarket(platform, services(), matchingRuns(platform));
    // Reported once the slots have run.
    platform.clock.set('2027-03-01T03:00:00Z');
  });
  const figures = { gpuHoursDelivered: 8, whConsumed: 6_500, heatWhRecovered: 0 };
  const usageEvents = (allocationId: string) =>
    platform.store.readStream(allocationUsageStreamId(allocationId)).then(
      (events) => events.map((event) => event.type),
      (error: unknown) => {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      },
    );

  it("a site reports its allocation's metered usage; a second report is a conflict", async () => {
    const [allocation] = matched.allocations;
    const { meter } = matched.market;
    const report = () =>
      services().usage.report(
        { allocationId: allocation.allocationId, slot: allocation.slot, ...figures },
        meter,
        caller(meter.participantId),
      );
    expect(await report()).toEqual({ id: allocation.allocationId, revision: 0 });
    const [reported] = await platform.store.readStream(
      allocationUsageStreamId(allocation.allocationId),
    );
    expect(reported.data).toMatchObject({
      ...figures,
      buyerId: matched.market.buyer.participantId,
      orderId: matched.orderId,
      reportedAt: '2027-03-01T03:00:00.000Z',
    });
    await expect(report()).rejects.toMatchObject({ code: 'conflict' });
  });

  it('an amendment records the corrected figures with the previous ones', async () => {
    const [allocation] = matched.allocations;
    const { meter } = matched.market;
    await services().usage.amend(
      allocation.allocationId,
      { ...figures, gpuHoursDelivered: 7, reason: 'one GPU failed' },
      meter,
      caller(meter.participantId),
    );
    const events = await platform.store.readStream(
      allocationUsageStreamId(allocation.allocationId),
    );
    expect(events.map((e) => e.type)).toEqual(['UsageReported', 'UsageAmended']);
    expect(events[1].data).toMatchObject({
      gpuHoursDelivered: 7,
      previous: { gpuHoursDelivered: 8 },
    });
  });

  it('more GPU-hours than GPUs allocated, or another slot, are refused by field', async () => {
    const [, allocation] = matched.allocations;
    const { meter } = matched.market;
    await expect(
      services().usage.report(
        {
          allocationId: allocation.allocationId,
          slot: '2027-03-01T00:00:00Z',
          ...figures,
          gpuHoursDelivered: 9,
        },
        meter,
        caller(meter.participantId),
      ),
    ).rejects.toMatchObject({
      code: 'invalid',
      errors: expect.arrayContaining([
        expect.objectContaining({ field: 'slot' }),
        expect.objectContaining({ field: 'gpuHoursDelivered' }),
      ]),
    });
    expect(await usageEvents(allocation.allocationId)).toEqual([]);
  });

  it("another site's identity finds no such allocation, and writes nothing", async () => {
    const [, allocation] = matched.allocations;
    const otherMeter = principal('meter-elsewhere', ['site'], 'elsewhere');
    await expect(
      services().usage.report(
        { allocationId: allocation.allocationId, slot: allocation.slot, ...figures },
        otherMeter,
        caller(otherMeter.participantId),
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await usageEvents(allocation.allocationId)).toEqual([]);
  });
});
