import { verifyBundle } from '@policloud/audit';
import { auditServices } from '@policloud/test-support/audit-services';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { marketplaceServices, registerMarket } from '@policloud/test-support/marketplace-services';

const platform = EmbeddedPlatform.forSpecFile();
const audit = () => auditServices(platform);

describe('VerificationService', () => {
  let market: Awaited<ReturnType<typeof registerMarket>>;
  beforeAll(async () => {
    market = await registerMarket(marketplaceServices(platform));
    await audit().checkpoints.seal();
    // Written after the seal: consistent, but not sealed yet.
    await registerMarket(marketplaceServices(platform));
  });

  it('verifies the stored history: hash chains, checkpoint roots and signatures', async () => {
    const head = await platform.store.headPosition();
    const result = await audit().verification.verify({});
    expect(result).toMatchObject({
      from: 0,
      to: head,
      keyId: audit().key.keyId,
      ok: true,
      eventsChecked: head,
      checkpointsChecked: 1,
    });
  });

  it('verifies a range that starts mid-stream, from the hash of the event before it', async () => {
    const result = await audit().verification.verify({ from: '3', to: '6' });
    expect(result).toMatchObject({ from: 3, to: 6, ok: true, eventsChecked: 3 });
  });

  it('a range bound that is not a log position is refused by field', async () => {
    await expect(audit().verification.verify({ from: '-1' })).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'from' })],
    });
  });

  it('exports a bundle of the selected events that verifies offline against the published key', async () => {
    const published = await audit().verification.published();
    expect(published).toMatchObject({ algorithm: 'Ed25519', keyId: audit().key.keyId });
    expect(published.items).toHaveLength(1);
    const bundle = await audit().verification.export({
      participant: market.producer.participantId,
    });
    const verified = verifyBundle(bundle, { trustedPublicKey: published.publicKey });
    expect(verified).toMatchObject({ ok: true, checkpointsVerified: 1, failures: [] });
    expect(verified.eventsVerified).toBeGreaterThan(0);
  });
});
