import { DeciderSpecification } from '../shared/decider-specification';
import { webhookSubscriptionDecider } from './webhook-subscription';
import { SubscribeWebhook } from './webhook-subscription.commands';
import { WebhookSubscribed } from './webhook-subscription.events';
import { parseSubscribeWebhook } from './webhook-subscription.parse';

const spec = DeciderSpecification.for(webhookSubscriptionDecider);
const terms: SubscribeWebhook['data'] = {
  subscriptionId: 'wh-1',
  ownerId: 'buyer-1',
  url: 'https://buyer.example/hooks',
  eventTypes: ['order.filled'],
  scope: 'own',
  subscribedAt: '2026-03-01T10:00:00.000Z',
};
const subscribed: WebhookSubscribed = { type: 'WebhookSubscribed', schemaVersion: 1, data: terms };
const remove = (actorId = 'buyer-1') => ({
  type: 'DeleteWebhook' as const,
  data: { subscriptionId: 'wh-1', actorId, deletedAt: '2026-03-02T00:00:00.000Z' },
});
const disable = {
  type: 'DisableWebhook' as const,
  data: {
    subscriptionId: 'wh-1',
    disabledAt: '2026-03-02T00:00:00.000Z',
    consecutiveFailures: 5,
    lastError: 'HTTP 503',
  },
};

describe('webhook subscriptions', () => {
  it('subscribes once', () => {
    spec.given([]).when({ type: 'SubscribeWebhook', data: terms }).then([subscribed]);
    spec.given([subscribed]).when({ type: 'SubscribeWebhook', data: terms }).thenThrows('conflict');
  });

  it('is deleted by its owner only, and once', () => {
    spec
      .given([subscribed])
      .when(remove())
      .then([
        {
          type: 'WebhookDeleted',
          schemaVersion: 1,
          data: { subscriptionId: 'wh-1', deletedAt: '2026-03-02T00:00:00.000Z' },
        },
      ]);
    spec.given([subscribed]).when(remove('buyer-2')).thenThrows('forbidden');
    spec
      .given([subscribed, { type: 'WebhookDeleted', schemaVersion: 1, data: remove().data }])
      .when(remove())
      .thenThrows('not_found');
  });

  it('is disabled by the delivery worker once; a repeat is not news', () => {
    spec
      .given([subscribed])
      .when(disable)
      .then([{ type: 'WebhookDisabled', schemaVersion: 1, data: disable.data }]);
    spec
      .given([subscribed, { type: 'WebhookDisabled', schemaVersion: 1, data: disable.data }])
      .when(disable)
      .thenNothingHappens();
  });

  it('parses the URL and event types, naming each bad field', () => {
    const fields = (data: Partial<SubscribeWebhook['data']> & Record<string, unknown>) => {
      const parsed = parseSubscribeWebhook({ ...terms, ...data });
      return parsed.ok ? [] : parsed.errors.map((error) => error.field);
    };
    expect(fields({})).toEqual([]);
    expect(fields({ url: 'ftp://x.example/' })).toEqual(['url']);
    expect(fields({ url: 'https://user:pw@x.example/' })).toEqual(['url']);
    expect(fields({ url: 'not a url' })).toEqual(['url']);
    expect(fields({ eventTypes: [] })).toEqual(['eventTypes']);
    expect(fields({ eventTypes: ['order.exploded' as never] })).toEqual(['eventTypes[0]']);
  });
});
