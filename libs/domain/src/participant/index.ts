import { Decider } from '../shared/aggregate';
import { ParticipantCommand } from './participant.commands';
import { ParticipantContext, decideParticipant } from './participant.decide';
import { ParticipantEvent } from './participant.events';
import { ParticipantState, evolveParticipant, initialParticipantState } from './participant.evolve';

export * from './participant.commands';
export * from './participant.decide';
export * from './participant.events';
export * from './participant.evolve';
export * from './participant.parse';

export const participantDecider: Decider<
  ParticipantState,
  ParticipantCommand,
  ParticipantEvent,
  ParticipantContext
> = {
  name: 'participant',
  initialState: initialParticipantState,
  decide: decideParticipant,
  evolve: evolveParticipant,
};

export const participantStreamId = (participantId: string): string =>
  `participant-${participantId}`;
