import { settlementStreamId } from '@policloud/domain';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import {
  caller,
  marketplaceServices,
  matchedMarket,
  matchingRuns,
  OPERATOR,
  principal,
} from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);

interface Statement {
  partyId: string;
  role: string;
  currency: string;
  total: number;
}

describe('SettlementService', () => {
  let matched: Awaited<ReturnType<typeof matchedMarket>>;
  beforeAll(async () => {
    matched = await matchedMarket(platform, services(), matchingRuns(platform));
    platform.clock.set('2027-03-01T03:00:00Z');
    const { meter } = matched.market;
    // The first slot ran in full, the second not at all: only delivered hours are charged.
    const [first, second] = matched.allocations;
    for (const [allocation, gpuHoursDelivered] of [
      [first, 8],
      [second, 0],
    ] as const) {
      await services().usage.report(
        {
          allocationId: allocation.allocationId,
          slot: allocation.slot,
          gpuHoursDelivered,
          whConsumed: gpuHoursDelivered * 840,
          heatWhRecovered: 0,
        },
        meter,
        caller(meter.participantId),
      );
    }
    await platform.settled();
  });

  it('a period is closed only once it is over (409 before)', async () => {
    await expect(
      services().settlement.close('2027-03', OPERATOR.participantId, OPERATOR),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('a malformed period is refused by field', async () => {
    await expect(services().settlement.statements('2027-13', OPERATOR)).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'period' })],
    });
  });

  it('running charges show the delivered GPU-hours at the allocation price, per buyer', async () => {
    const { buyer } = matched.market;
    const running = await services().settlement.running('2027-03', buyer);
    expect(running.items).toEqual([
      expect.objectContaining({
        buyerId: buyer.participantId,
        currency: 'EUR',
        gpuHoursDelivered: 8,
        charge: 8 * matched.allocations[0].pricePerGpuHour,
      }),
    ]);
    expect(
      (await services().settlement.running('2027-03', principal('x', ['buyer']))).items,
    ).toEqual([]);
  });

  it('closing records balanced statements (charges = payouts + fee); closing again changes nothing', async () => {
    platform.clock.set('2027-04-02T06:00:00Z');
    const closed = await services().settlement.close('2027-03', OPERATOR.participantId, OPERATOR);
    expect(closed.closed).toBe(true);
    const statements = closed.items as unknown as Statement[];
    expect(statements.map((s) => s.role).sort()).toEqual(
      expect.arrayContaining(['buyer', 'host', 'producer']),
    );
    expect(statements.reduce((sum, s) => sum + s.total, 0)).toBe(0);
    const buyerTotal = statements.find((s) => s.role === 'buyer')!.total;
    expect(buyerTotal).toBe(-8 * matched.allocations[0].pricePerGpuHour);

    const events = await platform.store.readStream(settlementStreamId('2027-03'));
    expect(events.at(-1)?.type).toBe('SettlementPeriodClosed');
    const again = await services().settlement.close('2027-03', OPERATOR.participantId, OPERATOR);
    expect(again).toEqual(closed);
    expect(await platform.store.readStream(settlementStreamId('2027-03'))).toHaveLength(
      events.length,
    );
  });

  it('a party sees only its own statements; an operator sees all', async () => {
    const { buyer, host } = matched.market;
    const own = await services().settlement.statements('2027-03', buyer);
    expect((own.items as unknown as Statement[]).map((s) => s.partyId)).toEqual([
      buyer.participantId,
    ]);
    const hosts = await services().settlement.statements('2027-03', host);
    expect((hosts.items as unknown as Statement[]).map((s) => s.role)).toEqual(['host']);
    const stranger = await services().settlement.statements('2027-03', principal('x', ['buyer']));
    expect(stranger).toEqual({ period: '2027-03', closed: true, items: [] });
  });
});
