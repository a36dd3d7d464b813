import { DeciderSpecification } from '../shared/decider-specification';
import { participantContext, siteAfter, siteRegistered } from '../testing/examples';
import { participantDecider } from '.';
import { IssueApiKey, RegisterParticipant } from './participant.commands';
import { ApiKeyIssued, ParticipantRegistered } from './participant.events';

const spec = DeciderSpecification.for(participantDecider);
const site = siteAfter([siteRegistered()]);
const context = participantContext(site);

const register = (overrides: Partial<RegisterParticipant['data']> = {}): RegisterParticipant => ({
  type: 'RegisterParticipant',
  data: {
    participantId: 'wind-co',
    name: 'Wind Co',
    roles: ['producer', 'host'],
    country: 'DE',
    ...overrides,
  },
});

const registered = (
  overrides: Partial<ParticipantRegistered['data']> = {},
): ParticipantRegistered => ({
  type: 'ParticipantRegistered',
  schemaVersion: 1,
  data: {
    participantId: 'wind-co',
    name: 'Wind Co',
    roles: ['producer', 'host'],
    country: 'DE',
    ...overrides,
  },
});

const HASH = 'sha256:' + 'a'.repeat(64);
const issueKey = (overrides: Partial<IssueApiKey['data']> = {}): IssueApiKey => ({
  type: 'IssueApiKey',
  data: { participantId: 'wind-co', keyId: 'key-1', keyHash: HASH, ...overrides },
});
const keyIssued: ApiKeyIssued = {
  type: 'ApiKeyIssued',
  schemaVersion: 1,
  data: { participantId: 'wind-co', keyId: 'key-1', keyHash: HASH },
};

describe('RegisterParticipant', () => {
  it('registers a participant holding several roles', () =>
    spec.given([]).when(register(), context).then([registered()]));

  it('records the legal entity when one is given', () =>
    spec
      .given([])
      .when(register({ legalEntity: 'Wind Co GmbH' }), context)
      .then([registered({ legalEntity: 'Wind Co GmbH' })]));

  it('binds a site identity to its one site', () =>
    spec
      .given([])
      .when(register({ participantId: 'site-1-ctl', roles: ['site'], siteId: 'site-1' }), context)
      .then([registered({ participantId: 'site-1-ctl', roles: ['site'], siteId: 'site-1' })]));

  it('requires at least one role', () =>
    spec
      .given([])
      .when(register({ roles: [] }), context)
      .thenThrows('invalid', ['roles']));

  it('rejects a role listed twice', () =>
    spec
      .given([])
      .when(register({ roles: ['buyer', 'buyer'] }), context)
      .thenThrows('invalid', ['roles[1]']));

  it('rejects an unknown role', () =>
    spec
      .given([])
      .when(register({ roles: ['admin' as never] }), context)
      .thenThrows('invalid', ['roles[0]']));

  it('requires an ISO 3166-1 alpha-2 country', () =>
    spec
      .given([])
      .when(register({ country: 'DEU' }), context)
      .thenThrows('invalid', ['country']));

  it('reports every invalid field at once', () =>
    spec
      .given([])
      .when(register({ participantId: ' bad id', name: '', country: 'XX' }), context)
      .thenThrows('invalid', ['participantId', 'name', 'country']));

  it('requires a site id for a site identity', () =>
    spec
      .given([])
      .when(register({ roles: ['site'] }), context)
      .thenThrows('invalid', ['siteId']));

  it('rejects a site id for a participant without the site role', () =>
    spec
      .given([])
      .when(register({ siteId: 'site-1' }), context)
      .thenThrows('invalid', ['siteId']));

  it('keeps a site identity to the site role alone', () =>
    spec
      .given([])
      .when(register({ roles: ['site', 'buyer'], siteId: 'site-1' }), context)
      .thenThrows('invalid', ['roles']));

  it('rejects a site identity for a site that does not exist', () =>
    spec
      .given([])
      .when(register({ roles: ['site'], siteId: 'site-9' }), context)
      .thenThrows('invalid', ['siteId']));

  it('rejects a site identity for a decommissioned site', () =>
    spec
      .given([])
      .when(
        register({ roles: ['site'], siteId: 'site-1' }),
        participantContext({ ...site, status: 'decommissioned' }),
      )
      .thenThrows('conflict'));

  it('registers a participant only once', () =>
    spec.given([registered()]).when(register(), context).thenThrows('conflict'));
});

describe('IssueApiKey', () => {
  it('records the hash of a new key', () =>
    spec.given([registered()]).when(issueKey()).then([keyIssued]));

  it('issues keys only to registered participants', () =>
    spec.given([]).when(issueKey()).thenThrows('not_found'));

  it('never reuses a key id', () =>
    spec.given([registered(), keyIssued]).when(issueKey()).thenThrows('conflict'));

  it('accepts another key for the same participant', () =>
    spec
      .given([registered(), keyIssued])
      .when(issueKey({ keyId: 'key-2' }))
      .then([{ ...keyIssued, data: { ...keyIssued.data, keyId: 'key-2' } }]));

  it('rejects something that cannot be a hash (too short or with spaces)', () =>
    spec
      .given([registered()])
      .when(issueKey({ keyHash: 'plain secret' }))
      .thenThrows('invalid', ['keyHash']));
});
