import { MigrationInterface, QueryRunner } from 'typeorm';

export class MarketReadModelsMigration implements MigrationInterface {
  name = 'MarketReadModels1765190000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_market_prices (
      site_id text NOT NULL, slot text NOT NULL, run_id text NOT NULL, currency text NOT NULL,
      price_per_gpu_hour bigint, gpu_hours integer NOT NULL, counted_through bigint,
      position bigint,
      PRIMARY KEY (site_id, slot, run_id))`);
    await runner.query('CREATE INDEX rm_market_prices_slot ON rm_market_prices (slot)');
    await runner.query(`CREATE TABLE rm_unfilled_orders (
      run_id text NOT NULL, order_id text NOT NULL, position bigint NOT NULL, reason jsonb NOT NULL,
      PRIMARY KEY (run_id, order_id))`);
    await runner.query(
      'CREATE INDEX rm_unfilled_orders_order ON rm_unfilled_orders (order_id, position)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rm_unfilled_orders');
    await runner.query('DROP TABLE rm_market_prices');
  }
}
