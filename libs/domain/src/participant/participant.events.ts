import { DomainEvent } from '../shared/event';
import { CountryCode } from '../shared/countries';

export const PARTICIPANT_ROLES = [
  'operator',
  'producer',
  'host',
  'buyer',
  'site',
  'auditor',
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export type ParticipantRegistered = DomainEvent<
  'ParticipantRegistered',
  {
    participantId: string;
    name: string;
    roles: ParticipantRole[];
    country: CountryCode;
    legalEntity?: string;
    /** Only for a `site` identity: the one site it speaks for. */
    siteId?: string;
  },
  1
>;

export type ApiKeyIssued = DomainEvent<
  'ApiKeyIssued',
  {
    participantId: string;
    keyId: string;
    /** Hash of the key, computed by the auth layer; the key itself never reaches the domain. */
    keyHash: string;
  },
  1
>;

export type ParticipantEvent = ParticipantRegistered | ApiKeyIssued;
