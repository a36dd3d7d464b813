import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { WebhookSubscription } from '@policloud/domain';
import { bigintAsNumber } from '../column-transformers';

/** Webhook subscriptions as the API shows them (never their secret). Written by the projection. */
@Entity({ name: 'rm_webhook_subscriptions' })
export class WebhookSubscriptionRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Index() @Column({ type: 'text', name: 'owner_id' }) ownerId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'jsonb' }) state!: WebhookSubscription;
}

/** Who placed each order: a fill names only its order, a webhook goes to the order's buyer. */
@Entity({ name: 'rm_webhook_order_owners' })
export class WebhookOrderOwnerRow {
  @PrimaryColumn({ type: 'text', name: 'order_id' }) orderId!: string;
  @Column({ type: 'text', name: 'buyer_id' }) buyerId!: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered';

/**
 * One event to deliver to one subscription, and how its delivery went. Rows are added by the
 * projection (in log order, once per subscription and event) and worked off by the delivery
 * worker; they are operational state, not derived from the log alone, so a rebuild keeps them.
 */
@Entity({ name: 'webhook_deliveries' })
@Unique('webhook_deliveries_once', ['subscriptionId', 'eventId'])
export class WebhookDeliveryRow {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ type: 'text', name: 'subscription_id' }) subscriptionId!: string;
  @Column({ type: 'text', name: 'event_id' }) eventId!: string;
  @Column({ type: 'bigint', name: 'event_position', transformer: bigintAsNumber })
  eventPosition!: number;
  @Column({ type: 'text', name: 'event_type' }) eventType!: string;
  /** Deliveries of one resource go out in log order: a later one waits for an earlier one. */
  @Column({ type: 'text', name: 'resource_key' }) resourceKey!: string;
  @Column({ type: 'jsonb' }) payload!: Record<string, unknown>;
  @Column({ type: 'text' }) status!: WebhookDeliveryStatus;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ type: 'timestamptz', name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column({ type: 'timestamptz', name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: Date | null;
  @Column({ type: 'integer', name: 'last_status_code', nullable: true })
  lastStatusCode!: number | null;
  @Column({ type: 'text', name: 'last_error', nullable: true }) lastError!: string | null;
  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;
}

/** Failed deliveries in a row per subscription: a success resets it, too many disable it. */
@Entity({ name: 'webhook_endpoint_health' })
export class WebhookEndpointHealthRow {
  @PrimaryColumn({ type: 'text', name: 'subscription_id' }) subscriptionId!: string;
  @Column({ type: 'integer', name: 'consecutive_failures' }) consecutiveFailures!: number;
}

export const WEBHOOK_ENTITIES = [
  WebhookSubscriptionRow,
  WebhookOrderOwnerRow,
  WebhookDeliveryRow,
  WebhookEndpointHealthRow,
];
