import { Command } from '../shared/event';
import { ParticipantRole } from './participant.events';

export type RegisterParticipant = Command<
  'RegisterParticipant',
  {
    participantId: string;
    name: string;
    roles: ParticipantRole[];
    country: string;
    legalEntity?: string;
    /** Required exactly when `roles` is `['site']`. */
    siteId?: string;
  }
>;

export type IssueApiKey = Command<
  'IssueApiKey',
  { participantId: string; keyId: string; keyHash: string }
>;

export type ParticipantCommand = RegisterParticipant | IssueApiKey;
