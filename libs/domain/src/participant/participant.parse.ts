import { FieldError } from '../shared/domain-error';
import { parseCountry } from '../shared/countries';
import {
  fail,
  ok,
  parsedFields,
  parseId,
  parseList,
  parseOneOf,
  parseOptional,
  parseText,
  Parsed,
  Unparsed,
} from '../shared/validation';
import { IssueApiKey, RegisterParticipant } from './participant.commands';
import { PARTICIPANT_ROLES, ParticipantRole } from './participant.events';

/** Printable ASCII without spaces: hex, base64 or PHC strings (`$scrypt$...`) all fit. */
const KEY_HASH_PATTERN = /^[\x21-\x7e]{32,512}$/;

/**
 * A registration as the edge receives it into the typed command, or every field error at once.
 * Whether the site exists reads another stream: decide checks that.
 */
export function parseRegisterParticipant(
  data: Unparsed<RegisterParticipant['data']>,
): Parsed<RegisterParticipant> {
  const fields = parsedFields({
    participantId: parseId(data.participantId, 'participantId'),
    name: parseText(data.name, 'name'),
    roles: parseRoles(data.roles, 'roles'),
    country: parseCountry(data.country, 'country'),
    legalEntity: parseOptional(data.legalEntity, 'legalEntity', parseText),
    siteId: parseOptional(data.siteId, 'siteId', parseId),
  });
  if (!fields.ok) return fields;
  const { legalEntity, siteId, ...required } = fields.value;
  const errors = siteIdentityErrors(required.roles, siteId);
  if (errors.length > 0) return { ok: false, errors };
  return ok({
    type: 'RegisterParticipant',
    data: {
      ...required,
      ...(legalEntity !== undefined && { legalEntity }),
      ...(siteId !== undefined && { siteId }),
    },
  });
}

/** A key for a participant into the typed command: an id and the key's hash, never the key. */
export function parseIssueApiKey(data: Unparsed<IssueApiKey['data']>): Parsed<IssueApiKey> {
  const fields = parsedFields({
    participantId: parseId(data.participantId, 'participantId'),
    keyId: parseId(data.keyId, 'keyId'),
    keyHash: parseKeyHash(data.keyHash, 'keyHash'),
  });
  return fields.ok ? ok({ type: 'IssueApiKey', data: fields.value }) : fields;
}

/** A participant's roles: at least one, each once. */
export function parseRoles(value: unknown, field: string): Parsed<ParticipantRole[]> {
  return parseList(
    value,
    field,
    (role, roleField) => parseOneOf(role, roleField, PARTICIPANT_ROLES),
    {
      min: 1,
      max: PARTICIPANT_ROLES.length,
      uniqueBy: (role) => role,
    },
  );
}

/** A site identity is a machine bound to one site; it holds no other role. */
function siteIdentityErrors(
  roles: readonly ParticipantRole[],
  siteId: string | undefined,
): FieldError[] {
  if (!roles.includes('site')) {
    return siteId === undefined
      ? []
      : [{ field: 'siteId', message: "is only for a participant with the role 'site'" }];
  }
  return [
    ...(roles.length > 1
      ? [{ field: 'roles', message: "'site' is a machine identity and cannot hold other roles" }]
      : []),
    ...(siteId === undefined
      ? [{ field: 'siteId', message: "is required for the role 'site'" }]
      : []),
  ];
}

function parseKeyHash(value: unknown, field: string): Parsed<string> {
  return typeof value === 'string' && KEY_HASH_PATTERN.test(value)
    ? ok(value)
    : fail(field, 'must be 32 to 512 printable characters without spaces (a hash, not the key)');
}
