import { DomainError, FieldError } from '../shared/domain-error';
import { parseCountry } from '../shared/countries';
import {
  fail,
  ok,
  parseId,
  parseList,
  parseOneOf,
  parseOptional,
  parseText,
  Parsed,
  throwIfInvalid,
  validFields,
} from '../shared/validation';
import type { SiteState } from '../site/site.evolve';
import { IssueApiKey, ParticipantCommand, RegisterParticipant } from './participant.commands';
import {
  ApiKeyIssued,
  PARTICIPANT_ROLES,
  ParticipantEvent,
  ParticipantRegistered,
  ParticipantRole,
} from './participant.events';
import { ParticipantState } from './participant.evolve';

/** Facts from other streams that registration needs; the caller looks them up. */
export interface ParticipantContext {
  findSite(siteId: string): Pick<SiteState, 'status'> | undefined;
}

/** Printable ASCII without spaces: hex, base64 or PHC strings (`$scrypt$...`) all fit. */
const KEY_HASH_PATTERN = /^[\x21-\x7e]{32,512}$/;

export function decideParticipant(
  command: ParticipantCommand,
  state: ParticipantState,
  context: ParticipantContext,
): ParticipantEvent[] {
  switch (command.type) {
    case 'RegisterParticipant':
      return [registerParticipant(command.data, state, context)];
    case 'IssueApiKey':
      return [issueApiKey(command.data, state)];
  }
}

function registerParticipant(
  data: RegisterParticipant['data'],
  state: ParticipantState,
  context: ParticipantContext,
): ParticipantRegistered {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Participant ${data.participantId} is already registered`);
  }
  const input = validFields({
    participantId: parseId(data.participantId, 'participantId'),
    name: parseText(data.name, 'name'),
    roles: parseRoles(data.roles, 'roles'),
    country: parseCountry(data.country, 'country'),
    legalEntity: parseOptional(data.legalEntity, 'legalEntity', parseText),
    siteId: parseOptional(data.siteId, 'siteId', parseId),
  });
  throwIfInvalid(siteIdentityErrors(input.roles, input.siteId));
  if (input.siteId !== undefined) {
    const site = context.findSite(input.siteId);
    if (!site) {
      throwIfInvalid([{ field: 'siteId', message: `site ${input.siteId} does not exist` }]);
    }
    if (site?.status === 'decommissioned') {
      throw DomainError.conflict(`Site ${input.siteId} is decommissioned`);
    }
  }
  const { legalEntity, siteId, ...required } = input;
  return {
    type: 'ParticipantRegistered',
    schemaVersion: 1,
    data: {
      ...required,
      ...(legalEntity !== undefined && { legalEntity }),
      ...(siteId !== undefined && { siteId }),
    },
  };
}

/** A site identity is a machine bound to one site; it holds no other role. */
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

function issueApiKey(data: IssueApiKey['data'], state: ParticipantState): ApiKeyIssued {
  if (state.status === 'absent') throw DomainError.notFound('Participant', data.participantId);
  const input = validFields({
    keyId: parseId(data.keyId, 'keyId'),
    keyHash: parseKeyHash(data.keyHash, 'keyHash'),
  });
  if (state.apiKeyIds.includes(input.keyId)) {
    throw DomainError.conflict(`Key ${input.keyId} was already issued`);
  }
  return {
    type: 'ApiKeyIssued',
    schemaVersion: 1,
    data: { participantId: state.participantId, ...input },
  };
}

function parseKeyHash(value: unknown, field: string): Parsed<string> {
  return typeof value === 'string' && KEY_HASH_PATTERN.test(value)
    ? ok(value)
    : fail(field, 'must be 32 to 512 printable characters without spaces (a hash, not the key)');
}
