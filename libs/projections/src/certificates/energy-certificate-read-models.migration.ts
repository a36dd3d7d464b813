import { MigrationInterface, QueryRunner } from 'typeorm';

export class EnergyCertificateReadModelsMigration implements MigrationInterface {
  name = 'EnergyCertificateReadModels1765201000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_energy_certificates (
      certificate_id text PRIMARY KEY, beneficiary_id text NOT NULL, slot text NOT NULL,
      offer_id text NOT NULL, allocation_id text NOT NULL, status text NOT NULL,
      wh bigint NOT NULL, data jsonb NOT NULL, issued_event_id text NOT NULL,
      claimed_event_id text, claimed_at text, cancelled_event_id text)`);
    // The buyer's keyset page (and its month's figures) in one index range.
    await runner.query(
      'CREATE INDEX rm_energy_certificates_beneficiary_slot ON rm_energy_certificates (beneficiary_id, slot, certificate_id)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rm_energy_certificates');
  }
}
