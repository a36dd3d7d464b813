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

/** A stream as a decision reads it: its state and the revision of its last event (-1: none). */
export interface StreamRead<State> {
  state: State;
  revision: number;
}

/**
 * What one decider decided on one stream: its new events, to be appended at the revision the
 * decision read. Plain data, so it can cross to a worker thread and back.
 */
export interface StreamDecision<Event extends DomainEvent = DomainEvent> {
  streamId: string;
  /** The revision the decision read (-1: the stream did not exist). */
  revision: number;
  events: Event[];
}

/**
 * Decides commands in turn on one stream, each on the state the previous ones left: the only way
 * a StreamDecision is made. Pure.
 */
export function decideOnStream<State, Cmd extends Command, Event extends DomainEvent, Context>(
  decider: Decider<State, Cmd, Event, Context>,
  streamId: string,
  read: StreamRead<State>,
  commands: Cmd | readonly Cmd[],
  context: Context,
): StreamDecision<Event> & { state: State } {
  const events: Event[] = [];
  let state = read.state;
  const list: readonly Cmd[] = Array.isArray(commands) ? commands : [commands as Cmd];
  for (const command of list) {
    const decided = decider.decide(command, state, context);
    state = decider.evolveAll
      ? decider.evolveAll(state, decided)
      : fold(decider.evolve, state, decided);
    events.push(...decided);
  }
  return { streamId, revision: read.revision, events, state };
}
