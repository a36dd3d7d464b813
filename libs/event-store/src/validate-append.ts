import { setImmediate as nextTurn } from 'node:timers/promises';
import { EventToAppend, ExpectedRevision, StreamBatch } from './event-store.port';
import { InvalidAppendError } from './event-store.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Events checked between two turns of the event loop (validateAppends). */
const EVENTS_PER_TURN = 5_000;

/** Rejects appends no adapter should accept, before any I/O, with the same message everywhere. */
export function validateAppend(
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): void {
  validateHeader(streamId, events, expected);
  validateEvents(events, 0, events.length, new Set<string>());
}

/**
 * validateAppend of every batch, a turn of the event loop between slices of events: a matching
 * run appends a hundred thousand events at once.
 */
export async function validateAppends(batches: readonly StreamBatch[]): Promise<void> {
  let sinceTurn = 0;
  for (const { streamId, events, expectedRevision } of batches) {
    validateHeader(streamId, events, expectedRevision);
    const ids = new Set<string>();
    for (let start = 0; start < events.length;) {
      const end = Math.min(events.length, start + EVENTS_PER_TURN - sinceTurn);
      validateEvents(events, start, end, ids);
      sinceTurn += end - start;
      start = end;
      if (sinceTurn === EVENTS_PER_TURN) {
        sinceTurn = 0;
        await nextTurn();
      }
    }
  }
}

function validateHeader(
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): void {
  if (!streamId || streamId.startsWith('$')) {
    throw new InvalidAppendError(`invalid stream id "${streamId}"`);
  }
  if (events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new InvalidAppendError(`invalid expected revision ${expected}`);
  }
}

/** Checks events [from, to) of one append; `ids`: the ids met so far in it. */
function validateEvents(
  events: readonly EventToAppend[],
  from: number,
  to: number,
  ids: Set<string>,
): void {
  for (let index = from; index < to; index++) {
    const event = events[index];
    if (!UUID.test(event.id)) throw new InvalidAppendError(`event id "${event.id}" is not a UUID`);
    if (ids.has(event.id)) throw new InvalidAppendError(`event id ${event.id} appears twice`);
    ids.add(event.id);
    if (!event.type) throw new InvalidAppendError('every event needs a type');
    if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1) {
      throw new InvalidAppendError(`event ${event.id}: schema version must be a positive integer`);
    }
  }
}
