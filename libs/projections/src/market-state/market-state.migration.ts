import { MigrationInterface, QueryRunner } from 'typeorm';
import { backfillNewProjection } from '../backfill-new-projection';

/**
 * The market a matching run reads, by slot window: the creation order of sites, offers and orders
 * (as folding the log meets them), the open orders by status, the capacity streams and the GPUs
 * held per site and slot. Rows written before this migration have no creation position: a run
 * then folds the log until the read models are rebuilt.
 */
export class MarketStateReadModelsMigration implements MigrationInterface {
  name = 'MarketStateReadModels1765180000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of ['rm_sites', 'rm_energy_offers', 'rm_compute_orders']) {
      await runner.query(`ALTER TABLE ${table} ADD COLUMN created_position bigint`);
    }
    await runner.query(
      `CREATE INDEX rm_compute_orders_open ON rm_compute_orders (created_position)
       WHERE status IN ('open', 'partially_filled')`,
    );
    await runner.query(
      `CREATE INDEX rm_energy_offer_slots_free ON rm_energy_offer_slots (slot, offer_id)
       WHERE remaining_wh > 0`,
    );
    await runner.query(`CREATE TABLE rm_site_capacity (
      id text PRIMARY KEY, revision integer NOT NULL, state jsonb NOT NULL)`);
    await runner.query(`CREATE TABLE rm_gpus_held (
      site_id text NOT NULL, slot text NOT NULL, gpus integer NOT NULL, PRIMARY KEY (site_id, slot))`);
    await runner.query('CREATE INDEX rm_gpus_held_slot ON rm_gpus_held (slot)');
    await backfillNewProjection(runner, 'rm_site_capacity');
    await backfillNewProjection(runner, 'rm_gpus_held');
    await this.listIndexes(runner);
  }

  /**
   * Orders list by keyset, by placement time then id: a buyer's page and an operator's page are
   * each one index range, however long the history (replacing the buyer's one-column index).
   */
  private async listIndexes(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX rm_compute_orders_buyer');
    await runner.query('CREATE INDEX rm_compute_orders_list ON rm_compute_orders (placed_at, id)');
    await runner.query(
      'CREATE INDEX rm_compute_orders_buyer_list ON rm_compute_orders (buyer_id, placed_at, id)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX rm_compute_orders_buyer_list');
    await runner.query('DROP INDEX rm_compute_orders_list');
    await runner.query('CREATE INDEX rm_compute_orders_buyer ON rm_compute_orders (buyer_id)');
    await runner.query('DROP TABLE rm_gpus_held');
    await runner.query('DROP TABLE rm_site_capacity');
    await runner.query('DROP INDEX rm_energy_offer_slots_free');
    await runner.query('DROP INDEX rm_compute_orders_open');
    for (const table of ['rm_sites', 'rm_energy_offers', 'rm_compute_orders']) {
      await runner.query(`ALTER TABLE ${table} DROP COLUMN created_position`);
    }
  }
}
