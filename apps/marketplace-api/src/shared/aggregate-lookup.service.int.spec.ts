import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { marketplaceServices, registerMarket } from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);

describe('AggregateLookup', () => {
  it('finds participants and sites from their streams at once, before any read model has them', async () => {
    await platform.projections.stop();
    try {
      const { host, buyer, siteId } = await registerMarket(services());
      const participants = await services().lookup.participants([
        host.participantId,
        buyer.participantId,
        host.participantId,
      ]);
      expect([...participants.keys()]).toEqual([host.participantId, buyer.participantId]);
      expect(participants.get(buyer.participantId)).toMatchObject({ roles: ['buyer'] });
      const sites = await services().lookup.sites([siteId]);
      expect(sites.get(siteId)).toMatchObject({
        hostParticipantId: host.participantId,
        agreements: [expect.objectContaining({ version: 1 })],
      });
    } finally {
      await platform.projections.start();
    }
  });

  it('leaves out ids that name nothing (unknown, empty or not a string)', async () => {
    expect(
      await services().lookup.participants(['nobody', '', undefined as unknown as string]),
    ).toEqual(new Map());
    expect(await services().lookup.sites(['nowhere'])).toEqual(new Map());
  });
});
