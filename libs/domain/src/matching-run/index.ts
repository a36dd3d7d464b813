import { Decider } from '../shared/aggregate';
import { MatchingRunCommand } from './matching-run.commands';
import { decideMatchingRun } from './matching-run.decide';
import { MatchingRunEvent } from './matching-run.events';
import {
  evolveMatchingRun,
  evolveMatchingRunAll,
  initialMatchingRunState,
  MatchingRunState,
} from './matching-run.evolve';

export * from './matching-run.commands';
export * from './matching-run.decide';
export * from './matching-run.events';
export * from './matching-run.evolve';
export * from './matching-run.parse';
export * from './matching-run.queries';
export * from './unfilled-orders';

export const matchingRunDecider: Decider<MatchingRunState, MatchingRunCommand, MatchingRunEvent> = {
  name: 'matching-run',
  initialState: initialMatchingRunState,
  decide: decideMatchingRun,
  evolve: evolveMatchingRun,
  evolveAll: evolveMatchingRunAll,
};

/** No dash in the prefix: the Kafka relay names topics after the stream id up to its first dash. */
export const matchingRunStreamId = (runId: string): string => `matchingrun-${runId}`;
