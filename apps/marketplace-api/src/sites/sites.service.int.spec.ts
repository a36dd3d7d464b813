import { PreconditionFailedException } from '@policloud/http';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { siteBody } from '@policloud/test-support/marketplace-bodies';
import {
  caller,
  marketplaceServices,
  OPERATOR,
  registerMarket,
} from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);
const operator = (options: { key?: string; ifMatch?: number } = {}) =>
  caller(OPERATOR.participantId, options);
const eventTypes = async (streamId: string) =>
  (await platform.store.readStream(streamId)).map((event) => event.type);

describe('SitesService', () => {
  it('registers a site, then lists and returns it with e = gpuPowerKw × pue in Wh', async () => {
    const { host } = await registerMarket(services());
    const written = await services().sites.register(
      siteBody('nice', host.participantId, { country: 'FR' }),
      operator(),
    );
    expect(written).toEqual({ id: 'nice', revision: 0 });
    await platform.settled();
    const site = await services().sites.get('nice');
    expect(site).toMatchObject({ id: 'nice', status: 'active', energyPerGpuHourWh: 840 });
    const listed = await services().sites.list({ country: 'FR', status: 'active' });
    expect(listed.items.map((item) => item.id)).toContain('nice');
    expect((await services().sites.list({ country: 'DE' })).items).toEqual([]);
  });

  it('the host must be a registered participant with the host role; nothing is written otherwise', async () => {
    const { buyer } = await registerMarket(services());
    const head = await platform.store.headPosition();
    await expect(
      services().sites.register(siteBody('orphan', buyer.participantId), operator()),
    ).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'hostParticipantId' })],
    });
    await expect(
      services().sites.register(siteBody('bad id!', 'nobody'), operator()),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ field: 'id' })] });
    expect(await platform.store.headPosition()).toBe(head);
  });

  it('an update with a stale If-Match is refused (412); with the current revision it applies', async () => {
    const { siteId } = await registerMarket(services());
    // Registered (0) and its agreement set (1).
    await expect(
      services().sites.update(siteId, { name: 'Renamed' }, operator({ ifMatch: 0 })),
    ).rejects.toBeInstanceOf(PreconditionFailedException);
    expect(
      await services().sites.update(siteId, { name: 'Renamed' }, operator({ ifMatch: 1 })),
    ).toEqual({ id: siteId, revision: 2 });
    await platform.settled();
    expect(await services().sites.get(siteId)).toMatchObject({ name: 'Renamed', revision: 2 });
  });

  it('maintenance takes GPUs offline on the site and on its capacity stream, in one append', async () => {
    const { siteId } = await registerMarket(services());
    const window = { from: '2027-03-01T00:00:00Z', to: '2027-03-01T06:00:00Z', gpusOffline: 40 };
    await services().sites.scheduleMaintenance(siteId, window, operator());
    expect(await eventTypes(`site-${siteId}`)).toEqual([
      'SiteRegistered',
      'AgreementSet',
      'MaintenanceScheduled',
    ]);
    const [offline] = await platform.store.readStream(`sitecapacity-${siteId}`);
    expect(offline.data).toMatchObject({ siteId, ...window });
    // More GPUs than the site has, together with the first window: refused, on neither stream.
    await expect(
      services().sites.scheduleMaintenance(siteId, { ...window, gpusOffline: 70 }, operator()),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await platform.store.readStream(`sitecapacity-${siteId}`)).toHaveLength(1);
  });

  it('an agreement names producers that have the producer role, from its effective date on', async () => {
    const { siteId, host, producer, buyer } = await registerMarket(services());
    const agreement = {
      effectiveFrom: '2027-02-01T00:00:00Z',
      hostParticipantId: host.participantId,
      producers: [{ participantId: producer.participantId }],
      producersShareBps: 6_000,
      hostShareBps: 4_000,
    };
    expect(await services().sites.setAgreement(siteId, agreement, operator())).toEqual({
      id: siteId,
      revision: 2,
    });
    await expect(
      services().sites.setAgreement(
        siteId,
        { ...agreement, producers: [{ participantId: buyer.participantId }] },
        operator(),
      ),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'producers[0].participantId' })],
    });
    await expect(
      services().sites.setAgreement(
        siteId,
        { ...agreement, effectiveFrom: '2026-12-01T00:00:00Z' },
        operator(),
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('an unknown site is not found, for reads and for commands', async () => {
    await expect(services().sites.get('absent')).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      services().sites.update('absent', { name: 'x' }, operator()),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
