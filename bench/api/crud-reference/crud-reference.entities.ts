import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A buyer's API key, stored as the SHA-256 hash of the key, as the marketplace stores it. */
@Entity('crud_api_keys')
export class CrudApiKeyRow {
  @PrimaryColumn({ name: 'key_hash', type: 'text' }) keyHash!: string;
  @Column({ name: 'participant_id', type: 'uuid' }) participantId!: string;
  @Column({ type: 'text', array: true }) roles!: string[];
}

/** An order as one row: what a CRUD service writes instead of a `ComputeOrderPlaced` event. */
@Entity('crud_compute_orders')
export class CrudComputeOrderRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Index() @Column({ name: 'buyer_id', type: 'uuid' }) buyerId!: string;
  @Column({ type: 'int' }) gpus!: number;
  @Column({ type: 'int' }) hours!: number;
  @Column({ name: 'earliest_start', type: 'timestamptz' }) earliestStart!: Date;
  @Column({ type: 'timestamptz' }) deadline!: Date;
  @Column({ name: 'gpu_model', type: 'text', nullable: true }) gpuModel!: string | null;
  @Column({ name: 'max_price_per_gpu_hour', type: 'bigint' }) maxPricePerGpuHour!: string;
  @Column({ type: 'char', length: 3 }) currency!: string;
  @Column({ name: 'all_or_none', type: 'boolean' }) allOrNone!: boolean;
  @Column({ type: 'jsonb' }) constraints!: Record<string, unknown>;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'int' }) revision!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
