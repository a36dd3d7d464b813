import { Column, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { AllocationUsageState, allocationUsageDecider } from '@policloud/domain';
import { backfillNewProjection } from '../backfill-new-projection';
import { aggregateStateProjection } from '../marketplace/aggregate-state.projection';

/**
 * The metered figures of each allocation (its usage stream folded), by allocation id: a report
 * over many allocations reads them in one query instead of one stream each.
 */
@Entity({ name: 'rm_allocation_usage' })
export class AllocationUsageRow {
  /** The allocation id. */
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Column({ type: 'jsonb' }) state!: AllocationUsageState;
}

export const ALLOCATION_USAGE_PROJECTION = aggregateStateProjection<
  AllocationUsageState,
  AllocationUsageRow
>({
  decider: allocationUsageDecider as never,
  entity: AllocationUsageRow,
  table: 'rm_allocation_usage',
  columns: () => ({}),
});

export class AllocationUsageMigration implements MigrationInterface {
  name = 'AllocationUsage1765180000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE rm_allocation_usage (
      id text PRIMARY KEY, revision integer NOT NULL, state jsonb NOT NULL)`);
    await backfillNewProjection(runner, 'rm_allocation_usage');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE rm_allocation_usage');
  }
}
