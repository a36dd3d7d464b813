import { DomainError } from '../shared/domain-error';
import { throwIfInvalid } from '../shared/validation';
import type { SiteState } from '../site/site.evolve';
import { IssueApiKey, ParticipantCommand, RegisterParticipant } from './participant.commands';
import { ApiKeyIssued, ParticipantEvent, ParticipantRegistered } from './participant.events';
import { ParticipantState } from './participant.evolve';

/** Facts from other streams that registration needs; the caller looks them up. */
export interface ParticipantContext {
  findSite(siteId: string): Pick<SiteState, 'status'> | undefined;
}

/** Commands arrive typed (parseRegisterParticipant, parseIssueApiKey): these are the stream's rules. */
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
  if (data.siteId !== undefined) {
    const site = context.findSite(data.siteId);
    if (!site) {
      throwIfInvalid([{ field: 'siteId', message: `site ${data.siteId} does not exist` }]);
    }
    if (site?.status === 'decommissioned') {
      throw DomainError.conflict(`Site ${data.siteId} is decommissioned`);
    }
  }
  return { type: 'ParticipantRegistered', schemaVersion: 1, data };
}

function issueApiKey(data: IssueApiKey['data'], state: ParticipantState): ApiKeyIssued {
  if (state.status === 'absent') throw DomainError.notFound('Participant', data.participantId);
  if (state.apiKeyIds.includes(data.keyId)) {
    throw DomainError.conflict(`Key ${data.keyId} was already issued`);
  }
  return {
    type: 'ApiKeyIssued',
    schemaVersion: 1,
    data: { participantId: state.participantId, keyId: data.keyId, keyHash: data.keyHash },
  };
}
