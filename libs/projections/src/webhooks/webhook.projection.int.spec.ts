import { computeOrderDecider, WebhookSubscribed } from '@policloud/domain';
import { computeOrderFilled, placeComputeOrder } from '../../../domain/src/testing/examples';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from '../projection-checkpoints.migration';
import { ProjectionSpec } from '../testing/projection-spec';
import { WEBHOOK_ENTITIES } from './webhook.entities';
import { WebhookReadModelsMigration } from './webhook-read-models.migration';
import { WEBHOOK_PROJECTIONS } from './webhook.projection';

const spec = ProjectionSpec.for(
  WEBHOOK_PROJECTIONS,
  {
    entities: [...WEBHOOK_ENTITIES, ProjectionCheckpointEntity],
    migrations: [ProjectionCheckpointsMigration, WebhookReadModelsMigration],
  },
  ['webhook_deliveries'],
);

const subscribed = (subscriptionId: string, ownerId: string): WebhookSubscribed => ({
  type: 'WebhookSubscribed',
  schemaVersion: 1,
  data: {
    subscriptionId,
    ownerId,
    url: `https://${ownerId}.example/hooks`,
    eventTypes: ['order.filled'],
    scope: 'own',
    subscribedAt: '2026-03-01T08:00:00.000Z',
  },
});
const placed = computeOrderDecider.decide(
  placeComputeOrder(),
  computeOrderDecider.initialState(),
  undefined,
);

describe('webhook projection', () => {
  it("queues a fill for its buyer's subscription only, and none for a subscription made after it", () =>
    spec
      .given(
        { streamId: 'webhook-wh-mine', events: [subscribed('wh-mine', 'buyer-1')] },
        { streamId: 'webhook-wh-other', events: [subscribed('wh-other', 'buyer-2')] },
        { streamId: 'computeorder-order-1', events: [...placed, computeOrderFilled()] },
        { streamId: 'webhook-wh-late', events: [subscribed('wh-late', 'buyer-1')] },
      )
      .then(
        {
          table: 'webhook_deliveries',
          columns: `subscription_id, event_id, event_position::int AS position, event_type,
            resource_key, status, attempts, payload->'data'->>'orderId' AS order_id`,
          orderBy: 'id',
          rows: [
            {
              subscription_id: 'wh-mine',
              event_id: 'evt-4',
              position: 4,
              event_type: 'order.filled',
              resource_key: 'order:order-1',
              status: 'pending',
              attempts: 0,
              order_id: 'order-1',
            },
          ],
        },
        {
          table: 'rm_webhook_subscriptions',
          columns: 'id, owner_id, status',
          orderBy: 'id',
          rows: [
            { id: 'wh-late', owner_id: 'buyer-1', status: 'active' },
            { id: 'wh-mine', owner_id: 'buyer-1', status: 'active' },
            { id: 'wh-other', owner_id: 'buyer-2', status: 'active' },
          ],
        },
      ));

  it('an order placed while nobody listened still has its fills heard by a later subscriber', () =>
    spec
      .given(
        { streamId: 'computeorder-order-1', events: placed },
        { streamId: 'webhook-wh-after', events: [subscribed('wh-after', 'buyer-1')] },
        { streamId: 'computeorder-order-1', events: [computeOrderFilled()] },
      )
      .then({
        table: 'webhook_deliveries',
        columns: 'subscription_id, event_type, resource_key',
        orderBy: 'id',
        rows: [
          {
            subscription_id: 'wh-after',
            event_type: 'order.filled',
            resource_key: 'order:order-1',
          },
        ],
      }));
});
