import { Unparsed } from '../shared/validation';
import { IssueApiKey, RegisterParticipant } from './participant.commands';
import { parseIssueApiKey, parseRegisterParticipant } from './participant.parse';

const registration: RegisterParticipant['data'] = {
  participantId: 'wind-co',
  name: 'Wind Co',
  roles: ['producer', 'host'],
  country: 'DE',
};

/** The fields a refusal names, sorted; [] when the registration parses. */
const refusedFields = (overrides: Unparsed<RegisterParticipant['data']>) => {
  const parsed = parseRegisterParticipant({ ...registration, ...overrides });
  return parsed.ok ? [] : parsed.errors.map((error) => error.field).sort();
};

const HASH = 'sha256:' + 'a'.repeat(64);
const key: IssueApiKey['data'] = { participantId: 'wind-co', keyId: 'key-1', keyHash: HASH };

describe('parseRegisterParticipant', () => {
  it('types a registration, keeping the legal entity and dropping absent options', () => {
    expect(
      parseRegisterParticipant({ ...registration, legalEntity: 'Wind Co GmbH', siteId: undefined }),
    ).toEqual({
      ok: true,
      value: {
        type: 'RegisterParticipant',
        data: { ...registration, legalEntity: 'Wind Co GmbH' },
      },
    });
  });

  it('types a site identity bound to its one site', () =>
    expect(
      refusedFields({ participantId: 'site-1-ctl', roles: ['site'], siteId: 'site-1' }),
    ).toEqual([]));

  it('requires at least one role', () => expect(refusedFields({ roles: [] })).toEqual(['roles']));

  it('rejects a role listed twice', () =>
    expect(refusedFields({ roles: ['buyer', 'buyer'] })).toEqual(['roles[1]']));

  it('rejects an unknown role', () =>
    expect(refusedFields({ roles: ['admin'] })).toEqual(['roles[0]']));

  it('requires an ISO 3166-1 alpha-2 country', () =>
    expect(refusedFields({ country: 'DEU' })).toEqual(['country']));

  it('reports every invalid field at once', () =>
    expect(refusedFields({ participantId: ' bad id', name: '', country: 'XX' })).toEqual([
      'country',
      'name',
      'participantId',
    ]));

  it('requires a site id for a site identity', () =>
    expect(refusedFields({ roles: ['site'] })).toEqual(['siteId']));

  it('rejects a site id for a participant without the site role', () =>
    expect(refusedFields({ siteId: 'site-1' })).toEqual(['siteId']));

  it('keeps a site identity to the site role alone', () =>
    expect(refusedFields({ roles: ['site', 'buyer'], siteId: 'site-1' })).toEqual(['roles']));
});

describe('parseIssueApiKey', () => {
  it('types a key by its id and hash', () =>
    expect(parseIssueApiKey(key)).toEqual({ ok: true, value: { type: 'IssueApiKey', data: key } }));

  it('rejects something that cannot be a hash (too short or with spaces)', () => {
    const parsed = parseIssueApiKey({ ...key, keyHash: 'plain secret' });
    expect(parsed.ok ? [] : parsed.errors.map((error) => error.field)).toEqual(['keyHash']);
  });
});
