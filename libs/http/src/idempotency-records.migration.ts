import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyRecordsMigration implements MigrationInterface {
  name = 'IdempotencyRecords1764100000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE idempotency_records (
      participant_id text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (participant_id, key))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE idempotency_records');
  }
}
