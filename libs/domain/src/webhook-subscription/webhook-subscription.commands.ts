import { Command } from '../shared/event';
import { WebhookEventType, WebhookScope } from './webhook-subscription.events';

/** Typed at the edge by parseSubscribeWebhook; whether the URL's host is public is the edge's. */
export type SubscribeWebhook = Command<
  'SubscribeWebhook',
  {
    subscriptionId: string;
    ownerId: string;
    url: string;
    eventTypes: WebhookEventType[];
    scope: WebhookScope;
    subscribedAt: string;
  }
>;

export type DeleteWebhook = Command<
  'DeleteWebhook',
  { subscriptionId: string; actorId: string; deletedAt: string }
>;

/** Issued by the delivery worker, for the platform. */
export type DisableWebhook = Command<
  'DisableWebhook',
  { subscriptionId: string; disabledAt: string; consecutiveFailures: number; lastError: string }
>;

export type WebhookSubscriptionCommand = SubscribeWebhook | DeleteWebhook | DisableWebhook;
