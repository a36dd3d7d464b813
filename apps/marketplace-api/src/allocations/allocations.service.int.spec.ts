import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import {
  marketplaceServices,
  matchedMarket,
  matchingRuns,
  OPERATOR,
  principal,
} from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);

describe('AllocationsService', () => {
  let matched: Awaited<ReturnType<typeof matchedMarket>>;
  beforeAll(async () => {
    matched = await matchedMarket(platform, services(), matchingRuns(platform));
  });
  const ids = (page: { items: { allocationId: string }[] }) =>
    page.items.map((item) => item.allocationId);

  it('the run allocated the order in two slots, with the facts recorded at match time', () => {
    expect(matched.allocations).toHaveLength(2);
    expect(matched.allocations.map((a) => a.slot)).toEqual([
      '2027-03-01T00:00:00Z',
      '2027-03-01T01:00:00Z',
    ]);
    expect(matched.allocations[0]).toMatchObject({
      orderId: matched.orderId,
      siteId: matched.market.siteId,
      gpus: 8,
      site: { country: 'FR', hostParticipantId: matched.market.host.participantId },
      energy: [expect.objectContaining({ offerId: matched.offerId, wh: 6_720 })],
    });
  });

  it('buyer, producer and host each see the allocations they take part in; others none', async () => {
    const all = matched.allocations.map((a) => a.allocationId);
    const { buyer, producer, host } = matched.market;
    expect(ids(await services().allocations.list({}, buyer))).toEqual(all);
    expect(ids(await services().allocations.list({}, producer))).toEqual(all);
    expect(ids(await services().allocations.list({}, host))).toEqual(all);
    const stranger = principal('stranger', ['buyer', 'producer', 'host']);
    expect(ids(await services().allocations.list({}, stranger))).toEqual([]);
  });

  it('an operator sees every allocation, filtered by site, run and slot range', async () => {
    const { siteId } = matched.market;
    const list = (query: object) => services().allocations.list(query, OPERATOR);
    expect(ids(await list({ siteId, runId: matched.run.runId }))).toHaveLength(2);
    expect(
      ids(await list({ siteId, from: '2027-03-01T01:00:00Z', to: '2027-03-01T02:00:00Z' })),
    ).toEqual([matched.allocations[1].allocationId]);
    expect(ids(await list({ siteId: 'elsewhere' }))).toEqual([]);
  });

  it('pages on with nextAfter, null on the last page', async () => {
    const { buyer } = matched.market;
    const first = await services().allocations.list({ limit: 1 }, buyer);
    expect(ids(first)).toEqual([matched.allocations[0].allocationId]);
    const second = await services().allocations.list(
      { limit: 1, after: first.nextAfter ?? undefined },
      buyer,
    );
    expect(ids(second)).toEqual([matched.allocations[1].allocationId]);
    expect(second.nextAfter).toBeNull();
  });
});
