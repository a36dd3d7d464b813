import { KafkaMessage } from 'kafkajs';

/**
 * The consumer's side of the integration contract (contracts/asyncapi.yaml), written from the
 * document rather than imported from the marketplace's code, as another team would.
 */
export const EVENT_ID_HEADER = 'event-id';
export const EVENT_TYPE_HEADER = 'event-type';
export const SCHEMA_VERSION_HEADER = 'schema-version';

/** The message value: the event as the marketplace's event store recorded it. */
export interface IntegrationEvent<Data = Record<string, unknown>> {
  id: string;
  streamId: string;
  revision: number;
  globalPosition: number;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: Record<string, unknown>;
  recordedAt: string;
  /** The per-stream hash chain, where the marketplace's store keeps it (not used by billing). */
  hash?: string;
  prevHash?: string;
}

/** A message that breaks the contract: handling it would guess, so the consumer stops on it. */
export class ContractViolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

export function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  if (value === undefined || value === null) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The dedupe key of a message: its `event-id` header (duplicates carry the same id). */
export function eventIdOf(message: KafkaMessage): string {
  const eventId = header(message, EVENT_ID_HEADER);
  if (!eventId)
    throw new ContractViolationError(
      `message at offset ${message.offset} has no ${EVENT_ID_HEADER} header`,
    );
  return eventId;
}

export function parseIntegrationEvent(message: KafkaMessage): IntegrationEvent {
  if (!message.value)
    throw new ContractViolationError(`message at offset ${message.offset} has no value`);
  const event = JSON.parse(message.value.toString('utf8')) as IntegrationEvent;
  if (event.id !== eventIdOf(message)) {
    throw new ContractViolationError(
      `event ${event.id} arrived under ${EVENT_ID_HEADER} ${eventIdOf(message)}`,
    );
  }
  return event;
}
