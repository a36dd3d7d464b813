import { EntityManager, In } from 'typeorm';
import {
  eventOfType,
  EVENT_REGISTRY,
  evolveWebhookSubscription,
  initialWebhookSubscriptionState,
  WebhookSubscription,
  WebhookSubscriptionEvent,
} from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';
import { webhookNoticeOf, webhookPayloadOf, WEBHOOK_SOURCE_EVENT_TYPES } from './webhook-notices';
import {
  WebhookDeliveryRow,
  WebhookOrderOwnerRow,
  WebhookSubscriptionRow,
} from './webhook.entities';

const SUBSCRIPTION_EVENT_TYPES = Object.entries(EVENT_REGISTRY)
  .filter(([, registration]) => registration.aggregate === 'webhook-subscription')
  .map(([type]) => type);

const idOf = (event: RecordedEvent) => event.streamId.slice(event.streamId.indexOf('-') + 1);

/**
 * Webhooks from the log, in its order: keeps the subscriptions (rm_webhook_subscriptions) and,
 * for each event a webhook carries, queues one delivery per active subscription that wants it
 * (webhook_deliveries), in the same transaction as the checkpoint. A subscription hears of what
 * happens after it was made. Queued deliveries are never queued twice (one per subscription and
 * event), so a rebuild re-derives the subscriptions and queues nothing already queued.
 */
export const webhookProjection: Projection = {
  name: 'rm_webhook_subscriptions',
  eventTypes: [...SUBSCRIPTION_EVENT_TYPES, 'ComputeOrderPlaced', ...WEBHOOK_SOURCE_EVENT_TYPES],
  tables: ['rm_webhook_subscriptions', 'rm_webhook_order_owners'],
  apply: (event, manager) => applyWebhookEvents([event], manager),
  applyBatch: applyWebhookEvents,
};

async function applyWebhookEvents(events: RecordedEvent[], manager: EntityManager) {
  const subscriptionRows = manager.getRepository(WebhookSubscriptionRow);
  // Every subscription of the page's events, and every active one: they hear of the page.
  const touched = events.filter((event) => SUBSCRIPTION_EVENT_TYPES.includes(event.type)).map(idOf);
  const known = await subscriptionRows.find({
    where: [{ status: 'active' }, ...(touched.length ? [{ id: In(touched) }] : [])],
  });
  const subscriptions = new Map(known.map((row) => [row.id, row]));
  const changed = new Set<string>();

  const placedOrders = events.flatMap((event) => {
    const placed = eventOfType(event, 'ComputeOrderPlaced');
    return placed ? [{ orderId: placed.data.orderId, buyerId: placed.data.buyerId }] : [];
  });
  const ownerRows = manager.getRepository(WebhookOrderOwnerRow);
  const recordOwners = () =>
    upsertRows(
      ownerRows,
      placedOrders.map(({ orderId, buyerId }) => ({ orderId, buyerId })),
      ['orderId'],
    );
  // Nobody listening and no subscription made in this page: nothing to queue, only who owns
  // each new order (a later subscriber hears of its fills). A matching run's page of allocations
  // then costs no notice building at all.
  if (touched.length === 0 && !known.some((row) => row.status === 'active')) {
    await recordOwners();
    return;
  }
  const filledOrderIds = events.flatMap((event) => {
    const filled = eventOfType(event, 'ComputeOrderFilled');
    return filled ? [filled.data.orderId] : [];
  });
  const owners = new Map(placedOrders.map((order) => [order.orderId, order.buyerId]));
  const missing = filledOrderIds.filter((orderId) => !owners.has(orderId));
  if (missing.length > 0) {
    const rows = await ownerRows.findBy({ orderId: In([...new Set(missing)]) });
    for (const row of rows) owners.set(row.orderId, row.buyerId);
  }

  const deliveries: Omit<WebhookDeliveryRow, 'id'>[] = [];
  for (const event of events) {
    if (SUBSCRIPTION_EVENT_TYPES.includes(event.type)) {
      const id = idOf(event);
      const before = subscriptions.get(id)?.state ?? initialWebhookSubscriptionState();
      const state = evolveWebhookSubscription(
        before,
        event as unknown as WebhookSubscriptionEvent,
      ) as WebhookSubscription;
      subscriptions.set(id, {
        id,
        revision: event.revision,
        ownerId: state.ownerId,
        status: state.status,
        state,
      });
      changed.add(id);
      continue;
    }
    const notice = webhookNoticeOf(event, (orderId) => owners.get(orderId));
    if (!notice) continue;
    for (const { id, status, state } of subscriptions.values()) {
      if (status !== 'active' || !state.eventTypes.includes(notice.type)) continue;
      const concerned =
        state.scope === 'all' ||
        notice.recipients === 'everyone' ||
        notice.recipients.includes(state.ownerId);
      if (!concerned) continue;
      deliveries.push({
        subscriptionId: id,
        eventId: event.id,
        eventPosition: event.globalPosition,
        eventType: notice.type,
        resourceKey: notice.resourceKey,
        payload: webhookPayloadOf(notice, event),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(0),
        lastAttemptAt: null,
        lastStatusCode: null,
        lastError: null,
        deliveredAt: null,
      });
    }
  }

  await recordOwners();
  await upsertRows(
    subscriptionRows,
    [...changed].map((id) => subscriptions.get(id)!),
    ['id'],
  );
  if (deliveries.length > 0) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(WebhookDeliveryRow)
      .values(deliveries as never)
      .orIgnore()
      .execute();
  }
}

export const WEBHOOK_PROJECTIONS: Projection[] = [webhookProjection];
