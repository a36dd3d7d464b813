import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The one RFC 9162 tree over the whole log: its leaves (leaf index ↔ event) and its perfect
 * nodes (level, index), so any past tree size's root and proofs are O(log n) reads. Derived from
 * the log alone: dropping the tables and rebuilding gives the same rows.
 */
export class AuditLogTreeMigration implements MigrationInterface {
  name = 'AuditLogTree1765200000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE audit_tree_leaves (
      leaf_index bigint PRIMARY KEY, global_position bigint NOT NULL UNIQUE,
      event_id text NOT NULL UNIQUE)`);
    await runner.query(`CREATE TABLE audit_tree_nodes (
      level smallint NOT NULL, node_index bigint NOT NULL, hash bytea NOT NULL,
      PRIMARY KEY (level, node_index))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_tree_nodes');
    await runner.query('DROP TABLE audit_tree_leaves');
  }
}
