import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  EventMetadata,
  EventToAppend,
  EventStore,
  NO_STREAM,
  RecordedEvent,
  StreamBatch,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '@policloud/event-store';
import {
  IdSource,
  isDeterministic,
  PreconditionFailedException,
  ProblemException,
} from '@policloud/http';
import {
  Command,
  Decider,
  decideOnStream,
  DomainEvent,
  rehydrate,
  StreamDecision,
} from '@policloud/domain';
import { storedData } from './stored-data';

/** An aggregate of libs/domain, seen from the outside: any decider. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Aggregate<State, Cmd extends Command, Context> = Decider<State, Cmd, any, Context>;

/** Commands for one stream of a decision spanning several (see CommandHandler.handleMany). */
export interface StreamCommands<State, Cmd extends Command, Context> {
  streamId: string;
  aggregate: Aggregate<State, Cmd, Context>;
  commands: Cmd | Cmd[];
  context: Context;
}

/** How the events of a commit are named and attributed. */
export interface CommitOptions {
  /** The id of the `index`-th new event of a stream: deterministic ids make a retry a no-op. */
  eventId: (streamId: string, index: number) => string;
  metadata: EventMetadata;
}

export interface CommandOptions {
  /** The acting participant, recorded in every event's metadata. */
  actor: string;
  /** Ids of the new events: derived from the Idempotency-Key when the request has one. */
  ids: IdSource;
  /** `If-Match`: the revision the caller last saw; a different current revision is a 412. */
  ifMatch?: number;
  correlationId?: string;
  /**
   * The stream is new by construction (a server-generated random id): skip reading it. Ignored
   * when ids are deterministic, since a retry must then find and replay the first outcome.
   */
  newStream?: boolean;
  /**
   * Other streams the same decision writes, appended all-or-nothing with this one, each at the
   * revision read here: an invariant guarded on another stream (a site's capacity stream) cannot
   * be raced. A concurrent change there is decided again on fresh input, a few times.
   */
  alongside?: readonly StreamCommands<any, any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Events named between two turns of the event loop when a commit is large. */
const EVENTS_PER_TURN = 2_000;

/** How many times a decision is made again when only a stream alongside changed meanwhile. */
const ALONGSIDE_ATTEMPTS = 3;

export interface CommandResult<State> {
  streamId: string;
  /** Revision of the stream after the command (the new ETag). */
  revision: number;
  state: State;
  events: DomainEvent[];
  /** True when this was a repeat of an idempotent request whose events were already stored. */
  replayed: boolean;
  /**
   * Global position of the command's last event (0 when it appended nothing): wait for the
   * read models to reach it before reading them in the same request.
   */
  position: number;
}

export interface LoadedStream<State> {
  state: State;
  /** -1 when the stream does not exist. */
  revision: number;
  events: RecordedEvent[];
}

/**
 * The one command handler shape: load the stream → decide → append with the expected revision.
 * It answers once the events are durable; reads wait for the read models instead
 * (ReadModelBarrier), so the caller still reads its own writes.
 */
@Injectable()
export class CommandHandler {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<State>(
    streamId: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    aggregate: Aggregate<State, any, any>,
  ): Promise<LoadedStream<State>> {
    try {
      const events = await this.store.readStream(streamId);
      const state = rehydrate(aggregate, events);
      return { state, revision: events.length - 1, events };
    } catch (error) {
      if (error instanceof StreamNotFoundError) {
        return { state: aggregate.initialState(), revision: -1, events: [] };
      }
      throw error;
    }
  }

  async handle<State, Cmd extends Command, Context>(
    streamId: string,
    aggregate: Aggregate<State, Cmd, Context>,
    /** Several commands are decided in turn and appended atomically. */
    commands: Cmd | Cmd[],
    context: Context,
    options: CommandOptions,
  ): Promise<CommandResult<State>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handleOnce(streamId, aggregate, commands, context, options);
      } catch (error) {
        const alongsideChanged =
          error instanceof WrongExpectedRevisionError && error.streamId !== streamId;
        if (!alongsideChanged || attempt >= ALONGSIDE_ATTEMPTS)
          throw this.conflict(error, streamId);
      }
    }
  }

  private async handleOnce<State, Cmd extends Command, Context>(
    streamId: string,
    aggregate: Aggregate<State, Cmd, Context>,
    commands: Cmd | Cmd[],
    context: Context,
    options: CommandOptions,
  ): Promise<CommandResult<State>> {
    const loaded =
      options.newStream && !isDeterministic(options.ids)
        ? { state: aggregate.initialState(), revision: -1, events: [] }
        : await this.load(streamId, aggregate);
    const firstId = options.ids(`${streamId}#0`);
    const replayed = this.replayOf(loaded, firstId, streamId);
    if (replayed) return replayed;
    if (options.ifMatch !== undefined && options.ifMatch !== loaded.revision) {
      throw new PreconditionFailedException(
        `If-Match revision ${options.ifMatch} is stale: the current revision is ${loaded.revision}`,
      );
    }
    const decided = decideOnStream(aggregate, streamId, loaded, commands, context);
    const { state, events } = decided;
    if (events.length === 0) {
      return { streamId, revision: loaded.revision, state, events, replayed: false, position: 0 };
    }
    const others: StreamDecision[] = [];
    for (const other of options.alongside ?? []) {
      const { state: _, ...decision } = decideOnStream(
        other.aggregate,
        other.streamId,
        await this.load(other.streamId, other.aggregate),
        other.commands,
        other.context,
      );
      others.push(decision);
    }
    const metadata = { actor: options.actor, correlationId: options.correlationId ?? firstId };
    try {
      // The streams alongside go first: a store that appends stream by stream (EventStoreDB)
      // then fails on a raced guard before writing this stream's events.
      const results = await this.commit([...others, decided], {
        eventId: (stream, index) =>
          stream === streamId && index === 0 ? firstId : options.ids(`${stream}#${index}`),
        metadata,
      });
      const result = results[results.length - 1];
      return {
        streamId,
        revision: result.nextExpectedRevision,
        state,
        events,
        replayed: false,
        position: result.lastGlobalPosition,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // A concurrent repeat of this idempotent request won the race: answer as it did.
      const replayed = isDeterministic(options.ids)
        ? this.replayOf(await this.load(streamId, aggregate), firstId, streamId)
        : undefined;
      if (replayed) return replayed;
      if (options.ifMatch !== undefined && error.streamId === streamId) {
        throw new PreconditionFailedException(`If-Match revision ${options.ifMatch} is stale`);
      }
      throw error;
    }
  }

  /** A stream changed concurrently: the client retries (a stream alongside, once retried here). */
  private conflict(error: unknown, streamId: string): unknown {
    if (!(error instanceof WrongExpectedRevisionError)) return error;
    return new ProblemException(409, `${streamId} changed concurrently; retry the request`);
  }

  /**
   * A decision spanning several streams: loads each, decides its commands on it, and appends
   * every stream's events all-or-nothing, each at the revision it read. A stream that changed
   * meanwhile fails the whole decision with WrongExpectedRevisionError, for the caller to decide
   * again on fresh input.
   */
  async handleMany(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    streams: readonly StreamCommands<any, any, any>[],
    options: CommitOptions,
  ): Promise<{ decisions: StreamDecision[]; positions: number[] }> {
    const decisions: StreamDecision[] = [];
    for (const { streamId, aggregate, commands, context } of streams) {
      const loaded = await this.load(streamId, aggregate);
      const { state: _, ...decision } = decideOnStream(
        aggregate,
        streamId,
        loaded,
        commands,
        context,
      );
      decisions.push(decision);
    }
    const results = await this.commit(decisions, options);
    return { decisions, positions: results.map((result) => result.lastGlobalPosition) };
  }

  /**
   * The one place events reach the store: decisions made by the domain's deciders (here, or on a
   * worker thread through decideOnStream), appended all-or-nothing, each stream at the revision
   * its decision read. WrongExpectedRevisionError surfaces. Streams without new events are left
   * out (they are not checked).
   */
  async commit(
    decisions: readonly StreamDecision[],
    options: CommitOptions,
  ): Promise<{ nextExpectedRevision: number; lastGlobalPosition: number }[]> {
    const batches: StreamBatch[] = [];
    let sinceTurn = 0;
    for (const decision of decisions) {
      if (decision.events.length === 0) continue;
      const events: EventToAppend[] = [];
      for (const [index, event] of decision.events.entries()) {
        events.push({
          id: options.eventId(decision.streamId, index),
          type: event.type,
          schemaVersion: event.schemaVersion,
          data: storedData(event),
          metadata: options.metadata,
        });
        // A matching run commits a hundred thousand events: a turn of the loop now and then.
        if (++sinceTurn === EVENTS_PER_TURN) {
          sinceTurn = 0;
          await nextTurn();
        }
      }
      batches.push({
        streamId: decision.streamId,
        expectedRevision: decision.revision < 0 ? NO_STREAM : decision.revision,
        events,
      });
    }
    if (batches.length === 1) {
      const [batch] = batches;
      return [await this.store.append(batch.streamId, batch.events, batch.expectedRevision)];
    }
    return this.store.appendMany(batches);
  }

  /** A repeat of an idempotent request whose events are already stored: the first outcome. */
  private replayOf<State>(
    loaded: LoadedStream<State>,
    firstId: string,
    streamId: string,
  ): CommandResult<State> | undefined {
    const index = loaded.events.findIndex((event) => event.id === firstId);
    if (index < 0) return undefined;
    const correlationId = loaded.events[index].metadata.correlationId;
    const batch = loaded.events.filter((event) => event.metadata.correlationId === correlationId);
    const last = batch[batch.length - 1];
    return {
      streamId,
      revision: last.revision,
      state: loaded.state,
      events: batch as unknown as DomainEvent[],
      replayed: true,
      position: last.globalPosition,
    };
  }
}
