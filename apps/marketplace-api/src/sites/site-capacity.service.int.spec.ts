import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import {
  caller,
  listOffer,
  marketplaceServices,
  matchingRuns,
  OPERATOR,
  placeOrder,
  registerMarket,
  runMatching,
} from '@policloud/test-support/marketplace-services';
import { CAPACITY_PAGE_MAX, MAX_CAPACITY_SLOTS, SiteCapacity } from './site-capacity.service';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);

describe('SiteCapacityService', () => {
  it('per slot: GPUs online, allocated and free, free Wh, and min(free GPUs, floor(free Wh / e))', async () => {
    const market = await registerMarket(services());
    // 100 GPUs at e = 0.7 kW × 1.2 = 840 Wh; 100 kWh offered in each slot of 2027-03-01.
    await listOffer(services(), market);
    await placeOrder(services(), market, {
      gpus: 8,
      hours: 2,
      earliestStart: '2027-03-01T00:00:00Z',
      deadline: '2027-03-01T02:00:00Z',
    });
    await services().sites.scheduleMaintenance(
      market.siteId,
      { from: '2027-03-01T03:00:00Z', to: '2027-03-01T04:00:00Z', gpusOffline: 40 },
      caller(OPERATOR.participantId),
    );
    await runMatching(platform, matchingRuns(platform));

    const capacity = await services().capacity.capacity(market.siteId, {
      from: '2027-03-01T00:00:00Z',
      to: '2027-03-01T04:00:00Z',
    });
    expect(capacity).toMatchObject({ siteId: market.siteId, energyPerGpuHourWh: 840 });
    expect(capacity.slots).toEqual([
      slot('2027-03-01T00:00:00Z', { gpusOnline: 100, gpusAllocated: 8, whAllocated: 6_720 }),
      slot('2027-03-01T01:00:00Z', { gpusOnline: 100, gpusAllocated: 8, whAllocated: 6_720 }),
      slot('2027-03-01T02:00:00Z', { gpusOnline: 100, gpusAllocated: 0, whAllocated: 0 }),
      slot('2027-03-01T03:00:00Z', { gpusOnline: 60, gpusAllocated: 0, whAllocated: 0 }),
    ]);
  });

  it('energy is the limit where little is offered: floor(free Wh / e)', async () => {
    const market = await registerMarket(services());
    await listOffer(services(), market, {
      profile: [{ slot: '2027-03-01T05:00:00Z', wh: 10_000 }],
    });
    await platform.settled();
    const { slots } = await services().capacity.capacity(market.siteId, {
      from: '2027-03-01T05:00:00Z',
      to: '2027-03-01T07:00:00Z',
    });
    expect(slots.map((s) => [s.whFree, s.capacityGpus])).toEqual([
      [10_000, 11],
      [0, 0],
    ]);
  });

  it(`refuses more than a month (${MAX_CAPACITY_SLOTS} slots) per request, naming \`to\``, async () => {
    const { siteId } = await registerMarket(services());
    await expect(
      services().capacity.capacity(siteId, {
        from: '2027-03-01T00:00:00Z',
        to: '2027-04-01T01:00:00Z',
      }),
    ).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'to' })],
    });
  });

  it("the network's capacity, a page of sites at a time, equals each site's own", async () => {
    const first = await registerMarket(services());
    await listOffer(services(), first);
    const second = await registerMarket(services());
    await listOffer(services(), second, {
      profile: [{ slot: '2027-03-01T01:00:00Z', wh: 5_000 }],
    });
    await placeOrder(services(), first, {
      gpus: 4,
      hours: 1,
      earliestStart: '2027-03-01T00:00:00Z',
      deadline: '2027-03-01T01:00:00Z',
    });
    await runMatching(platform, matchingRuns(platform));
    const window = { from: '2027-03-01T00:00:00Z', to: '2027-03-01T03:00:00Z' };

    const pages: SiteCapacity[][] = [];
    for (let cursor: string | undefined; ;) {
      const page = await services().capacity.network({ ...window, limit: 1, cursor });
      pages.push(page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const everySite = pages.flat();
    expect(pages.every((items) => items.length === 1)).toBe(true);
    expect(everySite.map((site) => site.siteId)).toEqual(
      (await services().sites.list({})).items.map((site) => site.siteId),
    );
    for (const { siteId } of [first, second]) {
      expect(everySite.find((site) => site.siteId === siteId)).toEqual(
        await services().capacity.capacity(siteId, window),
      );
    }
  });

  it(`refuses more than ${CAPACITY_PAGE_MAX} sites per page (fewer over a month) and a cursor it did not give`, async () => {
    const window = { from: '2027-03-01T00:00:00Z', to: '2027-03-01T01:00:00Z' };
    await expect(
      services().capacity.network({ ...window, limit: CAPACITY_PAGE_MAX + 1 }),
    ).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'limit' })],
    });
    // A month's window (744 slots) takes at most 45 sites a page; the default follows.
    const month = { from: '2027-03-01T00:00:00Z', to: '2027-04-01T00:00:00Z' };
    await expect(services().capacity.network({ ...month, limit: 46 })).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'limit' })],
    });
    await expect(services().capacity.network(month)).resolves.toMatchObject({
      items: expect.any(Array),
    });
    await expect(
      services().capacity.network({ ...window, cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'cursor' })],
    });
  });

  it('an unknown site is not found', async () => {
    await expect(
      services().capacity.capacity('absent', {
        from: '2027-03-01T00:00:00Z',
        to: '2027-03-01T01:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

function slot(
  at: string,
  figures: { gpusOnline: number; gpusAllocated: number; whAllocated: number },
) {
  const gpusFree = figures.gpusOnline - figures.gpusAllocated;
  const whFree = 100_000 - figures.whAllocated;
  return {
    slot: at,
    ...figures,
    gpusFree,
    whFree,
    capacityGpus: Math.min(gpusFree, Math.floor(whFree / 840)),
  };
}
