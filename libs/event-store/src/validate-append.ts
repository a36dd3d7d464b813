import { EventToAppend, ExpectedRevision } from './event-store.port';
import { InvalidAppendError } from './event-store.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rejects appends no adapter should accept, before any I/O, with the same message everywhere. */
export function validateAppend(
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
  const ids = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidAppendError(`event id "${event.id}" is not a UUID`);
    if (ids.has(event.id)) throw new InvalidAppendError(`event id ${event.id} appears twice`);
    ids.add(event.id);
    if (!event.type) throw new InvalidAppendError('every event needs a type');
    if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1) {
      throw new InvalidAppendError(`event ${event.id}: schema version must be a positive integer`);
    }
  }
}
