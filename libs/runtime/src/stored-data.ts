import type { DomainEvent } from '@policloud/domain';

/** The store's shape of a domain event's data: every event of the domain carries a JSON object. */
export function storedData(event: DomainEvent): Record<string, unknown> {
  if (!isRecord(event.data)) throw new TypeError(`${event.type} carries no object data`);
  return event.data;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
