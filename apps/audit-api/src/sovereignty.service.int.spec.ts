import { auditServices } from '@policloud/test-support/audit-services';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import {
  caller,
  marketplaceServices,
  matchedMarket,
  matchingRuns,
} from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);

describe('SovereigntyService', () => {
  let matched: Awaited<ReturnType<typeof matchedMarket>>;
  beforeAll(async () => {
    matched = await matchedMarket(platform, services(), matchingRuns(platform));
    platform.clock.set('2027-03-01T03:00:00Z');
    const [first] = matched.allocations;
    const { meter } = matched.market;
    await services().usage.report(
      {
        allocationId: first.allocationId,
        slot: first.slot,
        gpuHoursDelivered: 6,
        whConsumed: 5_040,
        heatWhRecovered: 0,
      },
      meter,
      caller(meter.participantId),
    );
  });

  it('lists every GPU-hour of the buyer with the facts recorded at match time and what was delivered', async () => {
    const report = await auditServices(platform).sovereignty.report(
      matched.market.buyer.participantId,
      {},
    );
    expect(report.allocations).toEqual([
      expect.objectContaining({
        allocationId: matched.allocations[0].allocationId,
        country: 'FR',
        operatorJurisdiction: 'FR',
        certifications: ['SecNumCloud'],
        gpuHoursDelivered: 6,
        energy: [expect.objectContaining({ source: 'wind', carbonGPerKwh: 12 })],
      }),
      expect.objectContaining({
        allocationId: matched.allocations[1].allocationId,
        gpuHoursDelivered: null,
      }),
    ]);
  });

  it('gives a verdict per constraint the order asked for, from the record', async () => {
    const report = await auditServices(platform).sovereignty.report(
      matched.market.buyer.participantId,
      {},
    );
    expect(report.orders).toEqual([
      {
        orderId: matched.orderId,
        constraints: { jurisdictions: ['FR'] },
        verdicts: {
          jurisdictions: 'pass',
          sovereignOperator: 'not_requested',
          renewableOnly: 'not_requested',
          maxCarbonGPerKwh: 'not_requested',
          maxDistanceKm: 'not_requested',
          gpuModel: 'pass',
        },
      },
    ]);
  });

  it('a later change of the site does not change the report', async () => {
    await services().sites.update(
      matched.market.siteId,
      { operatorJurisdiction: 'US' },
      caller('operator'),
    );
    await platform.settled();
    const report = await auditServices(platform).sovereignty.report(
      matched.market.buyer.participantId,
      {},
    );
    expect(report.allocations.map((line) => line.operatorJurisdiction)).toEqual(['FR', 'FR']);
  });

  it('a slot range narrows the report; another buyer has none', async () => {
    const narrowed = await auditServices(platform).sovereignty.report(
      matched.market.buyer.participantId,
      { from: '2027-03-01T01:00:00Z', to: '2027-03-01T02:00:00Z' },
    );
    expect(narrowed.allocations.map((line) => line.slot)).toEqual(['2027-03-01T01:00:00Z']);
    const other = await auditServices(platform).sovereignty.report('someone-else', {});
    expect(other).toMatchObject({ allocations: [], orders: [] });
  });
});
