import { auditServices } from '@policloud/test-support/audit-services';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { marketplaceServices, registerMarket } from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const events = () => auditServices(platform).events;

describe('AuditEventsService', () => {
  let market: Awaited<ReturnType<typeof registerMarket>>;
  beforeAll(async () => {
    market = await registerMarket(marketplaceServices(platform));
    await registerMarket(marketplaceServices(platform));
  });
  const found = async (query: object) =>
    (await events().find(query)).items.map((event) => `${event.streamId} ${event.type}`);

  it('filters the log by stream, by type and by site', async () => {
    expect(await found({ stream: `site-${market.siteId}` })).toEqual([
      `site-${market.siteId} SiteRegistered`,
      `site-${market.siteId} AgreementSet`,
    ]);
    expect(await found({ type: 'SiteRegistered' })).toHaveLength(2);
    expect(await found({ site: market.siteId })).toEqual(
      expect.arrayContaining([`site-${market.siteId} AgreementSet`]),
    );
  });

  it('a participant finds the events it acted on or is a party to', async () => {
    const { host } = market;
    expect(await found({ participant: host.participantId })).toEqual([
      `participant-${host.participantId} ParticipantRegistered`,
      `participant-${host.participantId} ApiKeyIssued`,
      `site-${market.siteId} SiteRegistered`,
      `site-${market.siteId} AgreementSet`,
    ]);
  });

  it('pages in global order with nextAfter, null once the head is reached', async () => {
    const head = await platform.store.headPosition();
    const first = await events().find({ limit: 3 });
    expect(first.items.map((event) => event.globalPosition)).toEqual([1, 2, 3]);
    expect(first.nextAfter).toBe(3);
    const rest = await events().find({ after: 3, limit: 1_000 });
    expect(rest.items.at(-1)?.globalPosition).toBe(head);
    expect(rest.nextAfter).toBeNull();
  });

  it('a time range selects by recording time; a malformed or empty range is refused by field', async () => {
    expect(await found({ from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })).toEqual([]);
    await expect(events().find({ from: 'yesterday' })).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'from' })],
    });
    await expect(
      events().find({ from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ field: 'to' })] });
  });
});
