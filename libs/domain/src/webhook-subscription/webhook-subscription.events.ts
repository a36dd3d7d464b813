import { DomainEvent } from '../shared/event';

/** What a participant may be told about, by webhook: facts of its own resources. */
export const WEBHOOK_EVENT_TYPES = [
  'order.filled',
  'allocation.made',
  'usage.recorded',
  'statement.issued',
  'checkpoint.sealed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * `own`: facts of the owner's resources (its orders, allocations, usage, statements); `all`:
 * every fact of the types, for those who see every resource anyway (operators, auditors).
 */
export type WebhookScope = 'own' | 'all';

/**
 * A participant asked to be called at `url` for these event types. Its signing secret is not
 * here: it is derived from the deployment's webhook key and the id, and shown once.
 */
export type WebhookSubscribed = DomainEvent<
  'WebhookSubscribed',
  {
    subscriptionId: string;
    ownerId: string;
    url: string;
    eventTypes: WebhookEventType[];
    scope: WebhookScope;
    subscribedAt: string;
  },
  1
>;

export type WebhookDeleted = DomainEvent<
  'WebhookDeleted',
  { subscriptionId: string; deletedAt: string },
  1
>;

/** The delivery worker stopped calling an endpoint that failed too many times in a row. */
export type WebhookDisabled = DomainEvent<
  'WebhookDisabled',
  { subscriptionId: string; disabledAt: string; consecutiveFailures: number; lastError: string },
  1
>;

export type WebhookSubscriptionEvent = WebhookSubscribed | WebhookDeleted | WebhookDisabled;
