import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AllocationRecord } from '@policloud/domain';

/** One allocation (order, site, slot) as matching made it, with who may see it. */
@Entity({ name: 'rm_allocations' })
export class AllocationRow {
  @PrimaryColumn({ type: 'text', name: 'allocation_id' }) allocationId!: string;
  @Column({ type: 'text', name: 'run_id' }) runId!: string;
  @Index() @Column({ type: 'text', name: 'order_id' }) orderId!: string;
  @Index() @Column({ type: 'text', name: 'buyer_id' }) buyerId!: string;
  @Column({ type: 'text', name: 'site_id' }) siteId!: string;
  @Index() @Column({ type: 'text', name: 'host_id' }) hostId!: string;
  /** Producers whose energy the allocation runs on. */
  @Column({ type: 'jsonb', name: 'producer_ids' }) producerIds!: string[];
  @Column({ type: 'text' }) slot!: string;
  @Column({ type: 'integer' }) gpus!: number;
  @Column({ type: 'jsonb' }) data!: AllocationRecord;
}

/**
 * The allocations a producer's energy runs, in the allocations' list order: a producer's view of
 * the allocations reads this one index, as a buyer's and a host's read theirs.
 */
@Entity({ name: 'rm_allocation_producers' })
export class AllocationProducerRow {
  @PrimaryColumn({ type: 'text', name: 'producer_id' }) producerId!: string;
  @PrimaryColumn({ type: 'text', name: 'allocation_id' }) allocationId!: string;
  @Column({ type: 'text' }) slot!: string;
  @Column({ type: 'text', name: 'site_id' }) siteId!: string;
  @Column({ type: 'text', name: 'order_id' }) orderId!: string;
}

/** Matching runs: the summary of each, for GET /v1/matching/runs/:id. */
@Entity({ name: 'rm_matching_runs' })
export class MatchingRunRow {
  @PrimaryColumn({ type: 'text', name: 'run_id' }) runId!: string;
  @Column({ type: 'jsonb' }) summary!: Record<string, unknown>;
}
