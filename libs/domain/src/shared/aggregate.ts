import { Command, DomainEvent } from './event';

/**
 * An aggregate as two pure functions and a starting state (Emmett's decider). `context` carries
 * facts owned by other aggregates, looked up by the caller before deciding.
 */
export interface Decider<State, Cmd extends Command, Event extends DomainEvent, Context = void> {
  readonly name: string;
  initialState(): State;
  /** The new events, or throws a DomainError; an empty list means nothing changes. */
  decide(command: Cmd, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
  /** Optional: the same state as folding `evolve`, faster on long streams. */
  evolveAll?(state: State, events: readonly Event[]): State;
}

export function fold<State, Event>(
  evolve: (state: State, event: Event) => State,
  initial: State,
  events: readonly Event[],
): State {
  return events.reduce(evolve, initial);
}

/** An event the evolve function cannot apply to the state: the stream is not one this code wrote. */
export class CorruptStreamError extends Error {
  constructor(aggregate: string, detail: string) {
    super(`Corrupt ${aggregate} stream: ${detail}`);
    this.name = 'CorruptStreamError';
  }
}
