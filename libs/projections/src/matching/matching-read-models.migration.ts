import { MigrationInterface, QueryRunner } from 'typeorm';

export class MatchingReadModelsMigration implements MigrationInterface {
  name = 'MatchingReadModels1764100000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_allocations (
      allocation_id text PRIMARY KEY, run_id text NOT NULL, order_id text NOT NULL,
      buyer_id text NOT NULL, site_id text NOT NULL, host_id text NOT NULL,
      producer_ids jsonb NOT NULL, slot text NOT NULL, gpus integer NOT NULL, data jsonb NOT NULL)`);
    // Only what the queries filter on: every index is paid again on each allocation written.
    for (const column of ['order_id', 'buyer_id', 'host_id']) {
      await runner.query(`CREATE INDEX rm_allocations_${column} ON rm_allocations (${column})`);
    }
    await runner.query('CREATE INDEX rm_allocations_site_slot ON rm_allocations (site_id, slot)');
    await runner.query(
      'CREATE TABLE rm_matching_runs (run_id text PRIMARY KEY, summary jsonb NOT NULL)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rm_matching_runs');
    await runner.query('DROP TABLE rm_allocations');
  }
}
