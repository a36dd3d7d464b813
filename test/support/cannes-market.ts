import { Marketplace, offerBody, orderBody, Party, profile, siteBody } from './marketplace-fixture';

/** The day the hand-worked Cannes specs trade on: 1 March 2027, as a run's horizon. */
export const MARCH_FIRST = { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' };

/**
 * Cannes (FR, e = 0.7 kW × 1.2 = 840 Wh per GPU-hour) hosted by `host`, fed by `producer` under
 * an agreement, with its meter and one wind offer of 100,000 Wh an hour for `offerHours` hours
 * from 10:00 on 1 March 2027.
 */
export async function cannesWithWindOffer(
  market: Marketplace,
  host: Party,
  producer: Party,
  options: { offerHours: number; site?: Record<string, unknown> },
): Promise<{ siteMeter: Party; offerId: string }> {
  await market.site(siteBody('cannes', host.id, options.site));
  await market.agreement('cannes', host.id, [producer.id]);
  const siteMeter = await market.participant(['site'], { siteId: 'cannes' });
  const offer = await market.request<{ id: string }>('POST', '/v1/energy-offers', {
    key: producer.key,
    body: offerBody(['cannes'], {
      profile: profile('2027-03-01T10:00:00Z', options.offerHours, 100_000),
    }),
  });
  return { siteMeter, offerId: offer.body.id };
}

/** `buyer` orders 10 GPUs × `hours` h from 10:00 on 1 March 2027, bidding 3.00 €; its id. */
export async function placeTenGpuOrder(
  market: Marketplace,
  buyer: Party,
  hours: number,
): Promise<string> {
  const order = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
    key: buyer.key,
    body: orderBody({
      gpus: 10,
      hours,
      earliestStart: '2027-03-01T10:00:00Z',
      deadline: `2027-03-01T${String(10 + hours).padStart(2, '0')}:00:00Z`,
      maxPricePerGpuHour: 300,
    }),
  });
  return order.body.id;
}
