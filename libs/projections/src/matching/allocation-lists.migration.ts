import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Allocations list by keyset, by slot, site and order: each view's index leads with who it is for
 * (buyer, host, producer through rm_allocation_producers) then that order, so a page is one index
 * range however long the history. They replace the one-column indexes they start with.
 */
export class AllocationListsMigration implements MigrationInterface {
  name = 'AllocationLists1765180000001';

  async up(runner: QueryRunner): Promise<void> {
    const allocationOrder = 'slot, site_id, order_id';
    await runner.query('DROP INDEX rm_allocations_buyer_id');
    await runner.query('DROP INDEX rm_allocations_host_id');
    await runner.query(`CREATE INDEX rm_allocations_list ON rm_allocations (${allocationOrder})`);
    for (const party of ['buyer_id', 'host_id']) {
      await runner.query(
        `CREATE INDEX rm_allocations_${party}_list ON rm_allocations (${party}, ${allocationOrder})`,
      );
    }
    await runner.query(`CREATE TABLE rm_allocation_producers (
      producer_id text NOT NULL, allocation_id text NOT NULL, slot text NOT NULL,
      site_id text NOT NULL, order_id text NOT NULL, PRIMARY KEY (producer_id, allocation_id))`);
    await runner.query(
      `CREATE INDEX rm_allocation_producers_list ON rm_allocation_producers (producer_id, ${allocationOrder})`,
    );
    // Back-fills what the allocations projection wrote before this table existed.
    await runner.query(`INSERT INTO rm_allocation_producers
      SELECT p.producer_id, a.allocation_id, a.slot, a.site_id, a.order_id
      FROM rm_allocations a, jsonb_array_elements_text(a.producer_ids) AS p(producer_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rm_allocation_producers');
    for (const index of ['list', 'buyer_id_list', 'host_id_list']) {
      await runner.query(`DROP INDEX rm_allocations_${index}`);
    }
    for (const column of ['buyer_id', 'host_id']) {
      await runner.query(`CREATE INDEX rm_allocations_${column} ON rm_allocations (${column})`);
    }
  }
}
