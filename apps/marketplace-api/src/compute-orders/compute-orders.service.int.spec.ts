import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { orderBody } from '@policloud/test-support/marketplace-bodies';
import {
  caller,
  marketplaceServices,
  OPERATOR,
  placeOrder,
  registerMarket,
} from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);

describe('ComputeOrdersService', () => {
  it('a buyer places an order, stamped with the clock, with its constraints as plain data', async () => {
    const market = await registerMarket(services());
    const orderId = await placeOrder(services(), market, {
      constraints: { jurisdictions: ['EU'], renewableOnly: true },
    });
    const [placed] = await platform.store.readStream(`computeorder-${orderId}`);
    expect(placed).toMatchObject({
      type: 'ComputeOrderPlaced',
      data: {
        orderId,
        buyerId: market.buyer.participantId,
        placedAt: '2027-02-01T00:00:00.000Z',
        gpus: 8,
        hours: 4,
        constraints: { jurisdictions: ['EU'], renewableOnly: true },
      },
    });
    await platform.settled();
    expect(await services().orders.get(orderId, market.buyer)).toMatchObject({
      id: orderId,
      status: 'open',
      filledGpuHours: 0,
    });
  });

  it('an order that breaks a rule is refused by field, and nothing is written', async () => {
    const market = await registerMarket(services());
    const head = await platform.store.headPosition();
    await expect(
      services().orders.place(
        orderBody({ gpus: 0, deadline: '2027-03-01T07:00:00Z' }),
        caller(market.buyer.participantId),
      ),
    ).rejects.toMatchObject({
      code: 'invalid',
      errors: expect.arrayContaining([expect.objectContaining({ field: 'gpus' })]),
    });
    expect(await platform.store.headPosition()).toBe(head);
  });

  it('the buyer cancels its open order; a second cancel is a conflict', async () => {
    const market = await registerMarket(services());
    const orderId = await placeOrder(services(), market);
    await platform.settled();
    const buyer = caller(market.buyer.participantId);
    expect(await services().orders.cancel(orderId, market.buyer, buyer)).toEqual({
      id: orderId,
      revision: 1,
    });
    const events = await platform.store.readStream(`computeorder-${orderId}`);
    expect(events[1]).toMatchObject({
      type: 'ComputeOrderCancelled',
      data: { orderId, cancelledGpuHours: 32 },
    });
    await platform.settled();
    await expect(services().orders.cancel(orderId, market.buyer, buyer)).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('another buyer, or an operator, cannot cancel it: to them it does not exist', async () => {
    const market = await registerMarket(services());
    const orderId = await placeOrder(services(), market);
    await platform.settled();
    const other = (await registerMarket(services())).buyer;
    await expect(
      services().orders.cancel(orderId, other, caller(other.participantId)),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(services().orders.get(orderId, other)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      services().orders.cancel(orderId, OPERATOR, caller(OPERATOR.participantId)),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await services().orders.get(orderId, OPERATOR)).toMatchObject({ status: 'open' });
  });

  it('a buyer pages through its own orders by placement time; an operator sees every buyer', async () => {
    const market = await registerMarket(services());
    const placed: string[] = [];
    for (const hour of ['01', '02', '03']) {
      platform.clock.set(`2027-02-02T${hour}:00:00Z`);
      placed.push(await placeOrder(services(), market));
    }
    const other = await registerMarket(services());
    const theirs = await placeOrder(services(), other);
    await platform.settled();
    const first = await services().orders.find({ limit: 2 }, market.buyer);
    expect(first.items.map((item) => item.id)).toEqual(placed.slice(0, 2));
    const second = await services().orders.find(
      { limit: 2, after: first.nextAfter ?? undefined },
      market.buyer,
    );
    expect(second).toMatchObject({ nextAfter: null });
    expect(second.items.map((item) => item.id)).toEqual(placed.slice(2));
    const all = await services().orders.find({ limit: 100 }, OPERATOR);
    expect(all.items.map((item) => item.id)).toEqual(expect.arrayContaining([...placed, theirs]));
  });
});
