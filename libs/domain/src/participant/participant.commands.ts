import { CountryCode } from '../shared/countries';
import { Command } from '../shared/event';
import { ParticipantRole } from './participant.events';

/** Typed at the edge by parseRegisterParticipant: every field a valid value. */
export type RegisterParticipant = Command<
  'RegisterParticipant',
  {
    participantId: string;
    name: string;
    roles: ParticipantRole[];
    country: CountryCode;
    legalEntity?: string;
    /** Required exactly when `roles` is `['site']`. */
    siteId?: string;
  }
>;

/** Typed at the edge by parseIssueApiKey: `keyHash` is a hash, never the key. */
export type IssueApiKey = Command<
  'IssueApiKey',
  { participantId: string; keyId: string; keyHash: string }
>;

export type ParticipantCommand = RegisterParticipant | IssueApiKey;
