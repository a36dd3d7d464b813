import { checkpointBodyOf, checkpointHash, verifyCheckpointSignature } from '@policloud/audit';
import { auditServices } from '@policloud/test-support/audit-services';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { marketplaceServices, registerMarket } from '@policloud/test-support/marketplace-services';
import { CHECKPOINT_EVENT, CHECKPOINT_STREAM } from './checkpoints.service';

const platform = EmbeddedPlatform.forSpecFile();
const audit = () => auditServices(platform);

// One log for the file: each case seals what the previous ones left.
describe('CheckpointsService', () => {
  it('an empty log has nothing to seal', async () => {
    expect(await audit().checkpoints.seal()).toBeNull();
    expect(await audit().checkpoints.list()).toEqual([]);
  });

  it('seals the log up to its head in a signed checkpoint, recorded as an event', async () => {
    await registerMarket(marketplaceServices(platform));
    const head = await platform.store.headPosition();
    const sealed = await audit().checkpoints.seal();
    expect(sealed).toMatchObject({
      sequence: 1,
      fromPosition: 0,
      toPosition: head,
      eventCount: head,
      sealedAt: '2027-02-01T00:00:00.000Z',
    });
    expect(verifyCheckpointSignature(sealed!, audit().key.publicKeyPem)).toBe(true);
    const [recorded] = await platform.store.readStream(CHECKPOINT_STREAM);
    expect(recorded).toMatchObject({ type: CHECKPOINT_EVENT, metadata: { actor: 'audit-sealer' } });
    expect(await audit().checkpoints.list()).toEqual([sealed]);
  });

  it('with only its own checkpoint new, there is nothing to seal again', async () => {
    expect(await audit().checkpoints.seal()).toBeNull();
  });

  it('the next checkpoint covers the previous one and chains to it', async () => {
    const [first] = await audit().checkpoints.list();
    await registerMarket(marketplaceServices(platform));
    const head = await platform.store.headPosition();
    const second = await audit().checkpoints.seal();
    expect(second).toMatchObject({ sequence: 2, fromPosition: first.toPosition, toPosition: head });
    expect(second?.previousCheckpointHash).toBe(checkpointHash(checkpointBodyOf(first)));
  });

  it('reports the age of the last checkpoint as a metric', async () => {
    const service = audit().checkpoints;
    service.onModuleInit();
    platform.clock.set('2027-02-01T00:10:00Z');
    const metrics = await platform.metrics.registry.getMetricsAsJSON();
    const age = metrics.find((m) => m.name === 'policloud_audit_checkpoint_age_seconds');
    expect(age?.values).toEqual([expect.objectContaining({ value: 600 })]);
  });
});
