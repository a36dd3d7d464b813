import { hashApiKey } from '@policloud/auth';
import { AppConfig } from '@policloud/config';
import { PrincipalDirectoryService } from '@policloud/runtime';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import { marketplaceServices } from '@policloud/test-support/marketplace-services';
import { FIRST_OPERATOR_ID, OperatorBootstrapService } from './operator-bootstrap.service';

const platform = EmbeddedPlatform.forSpecFile();

/** One start of the service with `operatorApiKey` configured (or not). */
async function start(operatorApiKey?: string): Promise<string[]> {
  const config: AppConfig = { ...platform.config, operatorApiKey };
  const printed: string[] = [];
  const print = jest.spyOn(console, 'log').mockImplementation((line: string) => {
    printed.push(line);
  });
  try {
    const service = new OperatorBootstrapService(
      config,
      platform.commands,
      marketplaceServices(platform).participants,
      platform.barrier,
    );
    await service.onApplicationBootstrap();
  } finally {
    print.mockRestore();
  }
  return printed;
}

const operatorEvents = () => platform.store.readStream(`participant-${FIRST_OPERATOR_ID}`);
const resolve = (key: string) =>
  new PrincipalDirectoryService(platform.readModels, platform.barrier).findByKeyHash(
    hashApiKey(key),
  );

// One log for the file: each case is the next start of the same deployment.
describe('OperatorBootstrapService, start after start', () => {
  let generatedKey: string;

  it('the first start registers the operator with a generated key, printed once', async () => {
    const printed = await start();
    expect(printed).toHaveLength(1);
    generatedKey = /First operator API key .*: (pc_\S+)/.exec(printed[0])![1];
    expect((await operatorEvents()).map((event) => event.type)).toEqual([
      'ParticipantRegistered',
      'ApiKeyIssued',
    ]);
    // It returns with the read models caught up: the key works at once.
    expect(await resolve(generatedKey)).toMatchObject({
      participantId: FIRST_OPERATOR_ID,
      roles: ['operator'],
    });
  });

  it('a second start changes nothing and prints nothing', async () => {
    expect(await start()).toEqual([]);
    expect(await operatorEvents()).toHaveLength(2);
  });

  it('a start with OPERATOR_API_KEY adds it to the operator; the generated key still works', async () => {
    expect(await start('pc_configured-key')).toEqual([]);
    const events = await operatorEvents();
    expect(events.map((event) => event.type)).toEqual([
      'ParticipantRegistered',
      'ApiKeyIssued',
      'ApiKeyIssued',
    ]);
    expect(await resolve('pc_configured-key')).toMatchObject({ participantId: 'operator' });
    expect(await resolve(generatedKey)).toMatchObject({ participantId: 'operator' });
  });

  it('the same OPERATOR_API_KEY at the next start is not issued again', async () => {
    await start('pc_configured-key');
    expect(await operatorEvents()).toHaveLength(3);
  });
});
