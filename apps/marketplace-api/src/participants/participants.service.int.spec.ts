import { hashApiKey } from '@policloud/auth';
import { DomainError } from '@policloud/domain';
import { idsFor } from '@policloud/http';
import { PrincipalDirectoryService } from '@policloud/runtime';
import { EmbeddedPlatform } from '@policloud/test-support/embedded-platform';
import {
  marketplaceServices,
  OPERATOR,
  principal,
} from '@policloud/test-support/marketplace-services';
import { apiKeyId } from './participants.service';

const platform = EmbeddedPlatform.forSpecFile();
const services = () => marketplaceServices(platform);
const streamOf = (id: string) => platform.store.readStream(`participant-${id}`);

describe('ParticipantsService', () => {
  it('registers a participant with its first key, and the key (shown once) authenticates it', async () => {
    const created = await services().participants.register(
      { id: 'lyon', name: 'Ville de Lyon', roles: ['buyer'], country: 'FR' },
      OPERATOR.participantId,
      idsFor(undefined),
    );
    expect(created).toEqual({ id: 'lyon', revision: 1, apiKey: expect.stringMatching(/^pc_/) });
    const events = await streamOf('lyon');
    expect(events.map((event) => event.type)).toEqual(['ParticipantRegistered', 'ApiKeyIssued']);
    expect(events[1].data).toEqual({
      participantId: 'lyon',
      keyId: apiKeyId(hashApiKey(created.apiKey!)),
      keyHash: hashApiKey(created.apiKey!),
    });
    // Only the hash is stored: the key itself is in no event.
    expect(JSON.stringify(events)).not.toContain(created.apiKey);
    const directory = new PrincipalDirectoryService(platform.readModels, platform.barrier);
    expect(await directory.findByKeyHash(hashApiKey(created.apiKey!))).toEqual({
      participantId: 'lyon',
      roles: ['buyer'],
      siteId: undefined,
    });
  });

  it('a repeat with the same Idempotency-Key answers the first result without the key, writing nothing', async () => {
    const dto = { name: 'Parc éolien', roles: ['producer' as const], country: 'FR' };
    const first = await services().participants.register(dto, 'operator', idsFor('key-1'));
    const head = await platform.store.headPosition();
    const repeat = await services().participants.register(dto, 'operator', idsFor('key-1'));
    expect(repeat).toEqual({ id: first.id, revision: 1, apiKey: null });
    expect(await platform.store.headPosition()).toBe(head);
  });

  it('an id already registered is a conflict', async () => {
    const dto = { id: 'twice', name: 'Twice', roles: ['host' as const], country: 'FR' };
    await services().participants.register(dto, 'operator', idsFor(undefined));
    await expect(
      services().participants.register(dto, 'operator', idsFor(undefined)),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await streamOf('twice')).toHaveLength(2);
  });

  it('bad fields are refused by their request names, and nothing is written', async () => {
    const head = await platform.store.headPosition();
    const refused = services().participants.register(
      { id: 'bad id!', name: '', roles: ['pilot' as never], country: 'XX' },
      'operator',
      idsFor(undefined),
    );
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    const error = (await refused.catch((e: unknown) => e)) as DomainError;
    expect(error.code).toBe('invalid');
    expect(error.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['id', 'name', 'roles[0]', 'country']),
    );
    expect(await platform.store.headPosition()).toBe(head);
  });

  it('a site identity must name a site that exists', async () => {
    const refused = services().participants.register(
      { id: 'meter-x', name: 'Meter', roles: ['site'], country: 'FR', siteId: 'nowhere' },
      'operator',
      idsFor(undefined),
    );
    await expect(refused).rejects.toMatchObject({
      code: 'invalid',
      errors: [expect.objectContaining({ field: 'siteId' })],
    });
  });

  it('issues another key to an existing participant; the same key twice is a conflict', async () => {
    await services().participants.register(
      { id: 'op-2', name: 'Second operator', roles: ['operator'], country: 'FR' },
      'operator',
      idsFor(undefined),
    );
    await services().participants.issueKey('op-2', 'pc_configured', 'system', idsFor(undefined));
    expect((await streamOf('op-2')).at(-1)?.data).toMatchObject({
      keyHash: hashApiKey('pc_configured'),
    });
    await expect(
      services().participants.issueKey('op-2', 'pc_configured', 'system', idsFor(undefined)),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      services().participants.issueKey('nobody', 'pc_other', 'system', idsFor(undefined)),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('describes the caller as its key resolved it', () => {
    expect(services().participants.describe(principal('meter-1', ['site'], 'site-1'))).toEqual({
      id: 'meter-1',
      roles: ['site'],
      siteId: 'site-1',
    });
  });
});
