import { eventOfType, WebhookEventType } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';

/** What a log event means to webhook subscribers: its type, resource and whose resource it is. */
export interface WebhookNotice {
  type: WebhookEventType;
  /** Deliveries of one resource keep log order (an allocation's usage after the allocation). */
  resourceKey: string;
  /** Participants whose resource it is; `everyone` for facts of the whole log. */
  recipients: readonly string[] | 'everyone';
}

/** The domain events webhooks are made of (and the order placements that say who owns a fill). */
export const WEBHOOK_SOURCE_EVENT_TYPES = [
  'ComputeOrderFilled',
  'AllocationMade',
  'UsageReported',
  'UsageAmended',
  'SettlementStatementIssued',
  'AuditCheckpointSealed',
] as const;

/**
 * The notice a stored event gives, or undefined when no webhook carries it. `orderOwner` names
 * the buyer of an order (a fill does not).
 */
export function webhookNoticeOf(
  event: RecordedEvent,
  orderOwner: (orderId: string) => string | undefined,
): WebhookNotice | undefined {
  const filled = eventOfType(event, 'ComputeOrderFilled');
  if (filled) {
    const buyer = orderOwner(filled.data.orderId);
    return {
      type: 'order.filled',
      resourceKey: `order:${filled.data.orderId}`,
      recipients: buyer ? [buyer] : [],
    };
  }
  const allocation = eventOfType(event, 'AllocationMade');
  if (allocation) {
    const { orderId, buyerId, site, slots } = allocation.data;
    const producers = slots.flatMap((slot) => slot.energy.map((draw) => draw.producerId));
    return {
      type: 'allocation.made',
      // One event holds an order's consecutive hours on a site: kept in order with its fills.
      resourceKey: `order:${orderId}`,
      // The buyer's compute, the host's site and the producers' energy.
      recipients: [...new Set([buyerId, site.hostParticipantId, ...producers])],
    };
  }
  const usage = eventOfType(event, 'UsageReported') ?? eventOfType(event, 'UsageAmended');
  if (usage) {
    return {
      type: 'usage.recorded',
      resourceKey: `allocation:${usage.data.allocationId}`,
      recipients: [usage.data.buyerId],
    };
  }
  const statement = eventOfType(event, 'SettlementStatementIssued');
  if (statement) {
    return {
      type: 'statement.issued',
      resourceKey: `statement:${statement.data.statementId}`,
      recipients: [statement.data.partyId],
    };
  }
  if (event.type === 'AuditCheckpointSealed') {
    return { type: 'checkpoint.sealed', resourceKey: 'checkpoints', recipients: 'everyone' };
  }
  return undefined;
}

/**
 * The body of a delivery, as the Standard Webhooks payload: the type, when the fact was
 * recorded, and the event's data as the log holds it (its id is the `webhook-id` header).
 */
export function webhookPayloadOf(notice: WebhookNotice, event: RecordedEvent) {
  return {
    type: notice.type,
    timestamp: event.recordedAt,
    data: {
      eventId: event.id,
      eventType: event.type,
      schemaVersion: event.schemaVersion,
      streamId: event.streamId,
      position: event.globalPosition,
      ...event.data,
    },
  };
}
