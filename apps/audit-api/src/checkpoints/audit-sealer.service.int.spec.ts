import { eventually } from '@policloud/test-support/eventually';
import { auditServices } from '@policloud/test-support/audit-services';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { marketplaceServices, registerMarket } from '@policloud/test-support/marketplace-services';
import { AuditSealerService } from './audit-sealer.service';

const platform = EmbeddedPlatform.forSpecFile();

/** The sealer as the projector (and the all-in-one) hosts it, sealing every `seconds`. */
function startSealer(seconds: number) {
  const config = { ...platform.config, auditSealIntervalSeconds: seconds };
  const workers = platform.singletonWorkers(config);
  new AuditSealerService(
    config,
    auditServices(platform).checkpoints,
    workers,
  ).onApplicationBootstrap();
  return workers;
}

describe('AuditSealerService', () => {
  it('with AUDIT_SEAL_INTERVAL_SECONDS=0 it seals nothing', async () => {
    await registerMarket(marketplaceServices(platform));
    const workers = startSealer(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await auditServices(platform).checkpoints.list()).toEqual([]);
    await workers.onApplicationShutdown();
  });

  it('the leader seals what the log holds, on its interval, and again after new events', async () => {
    const workers = startSealer(0.1);
    const checkpoints = () => auditServices(platform).checkpoints.list();
    await eventually(async () => (await checkpoints()).length === 1, 'the first checkpoint');
    await registerMarket(marketplaceServices(platform));
    await eventually(async () => (await checkpoints()).length === 2, 'the second checkpoint');
    const [, second] = await checkpoints();
    expect(second.toPosition).toBe((await platform.store.headPosition()) - 1);
    await workers.onApplicationShutdown();
  });
});
