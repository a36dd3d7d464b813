import { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookReadModelsMigration implements MigrationInterface {
  name = 'WebhookReadModels1765191000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_webhook_subscriptions (
      id text PRIMARY KEY, revision integer NOT NULL, owner_id text NOT NULL, status text NOT NULL,
      state jsonb NOT NULL)`);
    await runner.query(
      'CREATE INDEX rm_webhook_subscriptions_owner ON rm_webhook_subscriptions (owner_id)',
    );
    await runner.query(`CREATE TABLE rm_webhook_order_owners (
      order_id text PRIMARY KEY, buyer_id text NOT NULL)`);
    await runner.query(`CREATE TABLE webhook_deliveries (
      id bigserial PRIMARY KEY, subscription_id text NOT NULL, event_id text NOT NULL,
      event_position bigint NOT NULL, event_type text NOT NULL, resource_key text NOT NULL,
      payload jsonb NOT NULL, status text NOT NULL, attempts integer NOT NULL,
      next_attempt_at timestamptz NOT NULL, last_attempt_at timestamptz,
      last_status_code integer, last_error text, delivered_at timestamptz,
      CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, event_id))`);
    await runner.query(
      `CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at)
       WHERE status = 'pending'`,
    );
    await runner.query(
      `CREATE INDEX webhook_deliveries_by_subscription
       ON webhook_deliveries (subscription_id, resource_key, event_position)`,
    );
    await runner.query(`CREATE TABLE webhook_endpoint_health (
      subscription_id text PRIMARY KEY, consecutive_failures integer NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'webhook_endpoint_health',
      'webhook_deliveries',
      'rm_webhook_order_owners',
      'rm_webhook_subscriptions',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
