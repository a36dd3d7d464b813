import { CorruptStreamError, Decider } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import { WebhookSubscriptionCommand } from './webhook-subscription.commands';
import { WebhookSubscribed, WebhookSubscriptionEvent } from './webhook-subscription.events';

export type WebhookSubscriptionStatus = 'active' | 'disabled' | 'deleted';

export type WebhookSubscription = WebhookSubscribed['data'] & {
  status: WebhookSubscriptionStatus;
  deletedAt?: string;
  disabledAt?: string;
  lastError?: string;
};

export type WebhookSubscriptionState = { status: 'absent' } | WebhookSubscription;

export const initialWebhookSubscriptionState = (): WebhookSubscriptionState => ({
  status: 'absent',
});

/**
 * A subscription belongs to whoever created it; only its owner deletes it. The delivery worker
 * disables an active one; a deleted one stays deleted.
 */
export function decideWebhookSubscription(
  command: WebhookSubscriptionCommand,
  state: WebhookSubscriptionState,
): WebhookSubscriptionEvent[] {
  if (command.type === 'SubscribeWebhook') {
    if (state.status !== 'absent') {
      throw DomainError.conflict(`Webhook ${command.data.subscriptionId} already exists`);
    }
    return [{ type: 'WebhookSubscribed', schemaVersion: 1, data: command.data }];
  }
  if (state.status === 'absent' || state.status === 'deleted') {
    throw DomainError.notFound('Webhook', command.data.subscriptionId);
  }
  if (command.type === 'DeleteWebhook') {
    if (command.data.actorId !== state.ownerId) {
      throw DomainError.forbidden(`Webhook ${state.subscriptionId} belongs to another participant`);
    }
    return [
      {
        type: 'WebhookDeleted',
        schemaVersion: 1,
        data: { subscriptionId: state.subscriptionId, deletedAt: command.data.deletedAt },
      },
    ];
  }
  // Disabling twice is not news (a retry of the worker).
  if (state.status === 'disabled') return [];
  return [{ type: 'WebhookDisabled', schemaVersion: 1, data: command.data }];
}

export function evolveWebhookSubscription(
  state: WebhookSubscriptionState,
  event: WebhookSubscriptionEvent,
): WebhookSubscriptionState {
  if (event.type === 'WebhookSubscribed') return { ...event.data, status: 'active' };
  if (state.status === 'absent') {
    throw new CorruptStreamError('webhook-subscription', `${event.type} before WebhookSubscribed`);
  }
  switch (event.type) {
    case 'WebhookDeleted':
      return { ...state, status: 'deleted', deletedAt: event.data.deletedAt };
    case 'WebhookDisabled':
      return {
        ...state,
        status: 'disabled',
        disabledAt: event.data.disabledAt,
        lastError: event.data.lastError,
      };
  }
}

export const webhookSubscriptionDecider: Decider<
  WebhookSubscriptionState,
  WebhookSubscriptionCommand,
  WebhookSubscriptionEvent
> = {
  name: 'webhook-subscription',
  initialState: initialWebhookSubscriptionState,
  decide: decideWebhookSubscription,
  evolve: evolveWebhookSubscription,
};

/** No dash in the prefix: the Kafka relay names topics after the stream id up to its first dash. */
export const webhookSubscriptionStreamId = (subscriptionId: string): string =>
  `webhook-${subscriptionId}`;
