import { MigrationInterface, QueryRunner } from 'typeorm';

export class MarketplaceReadModelsMigration implements MigrationInterface {
  name = 'MarketplaceReadModels1764100000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_participants (
      id text PRIMARY KEY, revision integer NOT NULL, state jsonb NOT NULL)`);
    await runner.query(`CREATE TABLE rm_api_keys (
      key_hash text PRIMARY KEY, key_id text NOT NULL, participant_id text NOT NULL)`);
    await runner.query(`CREATE TABLE rm_sites (
      id text PRIMARY KEY, revision integer NOT NULL, status text NOT NULL, country text NOT NULL,
      state jsonb NOT NULL)`);
    await runner.query(`CREATE TABLE rm_energy_offers (
      id text PRIMARY KEY, revision integer NOT NULL, producer_id text NOT NULL, status text NOT NULL,
      state jsonb NOT NULL)`);
    await runner.query('CREATE INDEX rm_energy_offers_producer ON rm_energy_offers (producer_id)');
    await runner.query(`CREATE TABLE rm_energy_offer_slots (
      offer_id text NOT NULL, slot text NOT NULL, offered_wh bigint NOT NULL,
      allocated_wh bigint NOT NULL, curtailed_wh bigint NOT NULL, remaining_wh bigint NOT NULL,
      PRIMARY KEY (offer_id, slot))`);
    await runner.query('CREATE INDEX rm_energy_offer_slots_slot ON rm_energy_offer_slots (slot)');
    await runner.query(`CREATE TABLE rm_compute_orders (
      id text PRIMARY KEY, revision integer NOT NULL, buyer_id text NOT NULL, status text NOT NULL,
      placed_at text NOT NULL, state jsonb NOT NULL)`);
    await runner.query('CREATE INDEX rm_compute_orders_buyer ON rm_compute_orders (buyer_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'rm_compute_orders',
      'rm_energy_offer_slots',
      'rm_energy_offers',
      'rm_sites',
      'rm_api_keys',
      'rm_participants',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
