import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProjectionCheckpointsMigration implements MigrationInterface {
  name = 'ProjectionCheckpoints1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE projection_checkpoints (name text PRIMARY KEY, position bigint NOT NULL)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE projection_checkpoints');
  }
}
