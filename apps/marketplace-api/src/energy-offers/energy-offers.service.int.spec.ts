import { ListEnergyOfferDto } from './energy-offers.dto';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { offerBody } from '@policloud/test-support/marketplace-bodies';
import {
  caller,
  listOffer,
  marketplaceServices,
  OPERATOR,
  registerMarket,
} from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);
const offerEvents = async (offerId: string) =>
  (await platform.store.readStream(`energyoffer-${offerId}`)).map((event) => event.type);

describe('EnergyOffersService', () => {
  it('a producer lists an offer for a site whose agreement names it, stamped with the clock', async () => {
    const market = await registerMarket(services());
    const offerId = await listOffer(services(), market);
    const [listed] = await platform.store.readStream(`energyoffer-${offerId}`);
    expect(listed.data).toMatchObject({
      offerId,
      producerId: market.producer.participantId,
      listedAt: '2027-02-01T00:00:00.000Z',
      siteIds: [market.siteId],
    });
    await platform.settled();
    expect(await services().offers.get(offerId, market.producer)).toMatchObject({
      id: offerId,
      revision: 0,
      status: 'open',
    });
  });

  it("a producer the site's agreement does not name may not feed it; nothing is written", async () => {
    const market = await registerMarket(services());
    const other = await registerMarket(services());
    const head = await platform.store.headPosition();
    await expect(
      services().offers.list(
        offerBody([market.siteId]) as ListEnergyOfferDto,
        caller(other.producer.participantId),
      ),
    ).rejects.toMatchObject({
      code: 'forbidden',
      errors: [expect.objectContaining({ field: 'siteIds[0]' })],
    });
    await expect(
      services().offers.list(
        offerBody(['nowhere']) as ListEnergyOfferDto,
        caller(market.producer.participantId),
      ),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ field: 'siteIds[0]' })] });
    expect(await platform.store.headPosition()).toBe(head);
  });

  it('only the owner amends, withdraws or reports curtailment; to anyone else the offer does not exist', async () => {
    const market = await registerMarket(services());
    const offerId = await listOffer(services(), market);
    await platform.settled();
    const stranger = (await registerMarket(services())).producer;
    const asStranger = caller(stranger.participantId);
    await expect(
      services().offers.withdraw(offerId, {}, stranger, asStranger),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(services().offers.get(offerId, stranger)).rejects.toMatchObject({
      code: 'not_found',
    });
    // An operator sees it but, not owning it, may not change it either.
    expect(await services().offers.get(offerId, OPERATOR)).toMatchObject({ id: offerId });
    await expect(
      services().offers.withdraw(offerId, {}, OPERATOR, caller(OPERATOR.participantId)),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await offerEvents(offerId)).toEqual(['EnergyOfferListed']);
  });

  it('amendment, curtailment and withdrawal are recorded on the offer in turn', async () => {
    const market = await registerMarket(services());
    const offerId = await listOffer(services(), market);
    await platform.settled();
    const owner = caller(market.producer.participantId);
    await services().offers.amend(
      offerId,
      { profile: [{ slot: '2027-03-01T00:00:00Z', wh: 50_000 }] },
      market.producer,
      owner,
    );
    const curtail = (slot: string, whCurtailed: number) =>
      services().offers.reportCurtailment(offerId, { slot, whCurtailed }, market.producer, owner);
    // Curtailment is reported after the fact: a slot that has not started is refused, by field.
    await expect(curtail('2027-03-01T01:00:00Z', 20_000)).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'slot' })],
    });
    platform.clock.set('2027-03-01T02:00:00Z');
    try {
      await curtail('2027-03-01T01:00:00Z', 20_000);
      await expect(curtail('2027-03-01T01:00:00Z', 200_000)).rejects.toMatchObject({
        errors: [expect.objectContaining({ field: 'whCurtailed' })],
      });
    } finally {
      platform.clock.set('2027-02-01T00:00:00Z');
    }
    const withdrawn = await services().offers.withdraw(offerId, {}, market.producer, owner);
    expect(withdrawn).toEqual({ id: offerId, revision: 3 });
    expect(await offerEvents(offerId)).toEqual([
      'EnergyOfferListed',
      'EnergyOfferAmended',
      'CurtailmentReported',
      'EnergyOfferWithdrawn',
    ]);
    await expect(
      services().offers.withdraw(offerId, {}, market.producer, owner),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a producer finds its own offers, an operator every offer, by status', async () => {
    const market = await registerMarket(services());
    const mine = await listOffer(services(), market);
    const other = await registerMarket(services());
    const theirs = await listOffer(services(), other);
    await platform.settled();
    const ids = async (who: typeof OPERATOR, status?: 'open' | 'withdrawn') =>
      (await services().offers.find({ status }, who)).items.map((item) => item.id);
    expect(await ids(market.producer)).toEqual([mine]);
    expect(await ids(OPERATOR)).toEqual(expect.arrayContaining([mine, theirs]));
    expect(await ids(market.producer, 'withdrawn')).toEqual([]);
  });
});
