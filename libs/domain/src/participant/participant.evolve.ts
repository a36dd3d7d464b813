import { CorruptStreamError } from '../shared/aggregate';
import { ParticipantEvent, ParticipantRegistered } from './participant.events';

export type Participant = ParticipantRegistered['data'] & {
  status: 'registered';
  apiKeyIds: string[];
};

export type ParticipantState = { status: 'absent' } | Participant;

export const initialParticipantState = (): ParticipantState => ({ status: 'absent' });

export function evolveParticipant(
  state: ParticipantState,
  event: ParticipantEvent,
): ParticipantState {
  switch (event.type) {
    case 'ParticipantRegistered':
      return { ...event.data, status: 'registered', apiKeyIds: [] };
    case 'ApiKeyIssued':
      if (state.status === 'absent') {
        throw new CorruptStreamError('participant', `${event.type} before ParticipantRegistered`);
      }
      return { ...state, apiKeyIds: [...state.apiKeyIds, event.data.keyId] };
  }
}
