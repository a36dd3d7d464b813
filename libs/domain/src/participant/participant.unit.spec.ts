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
});
