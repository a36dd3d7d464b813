import { MigrationInterface, QueryRunner } from 'typeorm';

export class SettlementReadModelsMigration implements MigrationInterface {
  name = 'SettlementReadModels1764100000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_settlement_statements (
      statement_id text PRIMARY KEY, period text NOT NULL, party_id text NOT NULL, role text NOT NULL,
      currency text NOT NULL, total bigint NOT NULL, data jsonb NOT NULL)`);
    await runner.query(
      'CREATE INDEX rm_settlement_statements_period ON rm_settlement_statements (period)',
    );
    await runner.query(
      'CREATE INDEX rm_settlement_statements_party ON rm_settlement_statements (party_id)',
    );
    await runner.query(`CREATE TABLE rm_running_charges (
      period text NOT NULL, buyer_id text NOT NULL, currency text NOT NULL,
      gpu_hours_delivered bigint NOT NULL, wh_consumed bigint NOT NULL, charge bigint NOT NULL,
      PRIMARY KEY (period, buyer_id, currency))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rm_running_charges');
    await runner.query('DROP TABLE rm_settlement_statements');
  }
}
