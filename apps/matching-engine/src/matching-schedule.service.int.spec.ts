import { eventOfType, expectEvent, matchingRunStreamId } from '@policloud/domain';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { eventually } from '@policloud/test-support/eventually';
import {
  listOffer,
  marketplaceServices,
  matchingRuns,
  placeOrder,
  registerMarket,
} from '@policloud/test-support/marketplace-services';
import { MatchingScheduleService } from './matching-schedule.service';

const platform = EmbeddedPlatform.forSpecFile();

/** The schedule as the matching engine hosts it, every `minutes`. */
function startSchedule(minutes: number) {
  const config = { ...platform.config, matchingIntervalMinutes: minutes };
  const workers = platform.singletonWorkers(config);
  new MatchingScheduleService(config, matchingRuns(platform), workers).onApplicationBootstrap();
  return workers;
}

const completedRuns = async () =>
  (await platform.store.readAll({ after: 0, maxCount: 10_000 })).filter(
    (event) => event.type === 'MatchingRunCompleted',
  );

describe('MatchingScheduleService', () => {
  it('with MATCHING_INTERVAL_MINUTES=0 matching runs only on demand', async () => {
    const workers = startSchedule(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await completedRuns()).toEqual([]);
    await workers.onApplicationShutdown();
  });

  it('the leader runs matching on its interval over the next week, as the system', async () => {
    const services = marketplaceServices(platform);
    const market = await registerMarket(services);
    // The default horizon starts at the next whole hour of the clock.
    platform.clock.set('2027-02-28T23:30:00Z');
    await listOffer(services, market);
    await placeOrder(services, market);
    const workers = startSchedule(0.005); // 300 ms
    await eventually(async () => (await completedRuns()).length > 0, 'a scheduled run', 60_000);
    await workers.onApplicationShutdown();
    const [run] = await completedRuns();
    expect(run.data).toMatchObject({
      requestedBy: 'system',
      horizon: { from: '2027-03-01T00:00:00Z', to: '2027-03-08T00:00:00Z' },
      filledGpuHours: 32,
    });
    const events = await platform.store.readStream(
      matchingRunStreamId(expectEvent(run, 'MatchingRunCompleted').data.runId),
    );
    // The order's four consecutive hours on one site: one allocation range.
    const [allocation, ...others] = events.flatMap(
      (event) => eventOfType(event, 'AllocationMade') ?? [],
    );
    expect(others).toEqual([]);
    expect(allocation.data.slots).toHaveLength(4);
  });
});
