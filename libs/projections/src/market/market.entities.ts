import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { UnfilledOrderReason } from '@policloud/domain';
import { bigintAsNumber } from '../column-transformers';

/** The clearing price of one (site, slot) in one run: GET /v1/market/prices. */
@Entity({ name: 'rm_market_prices' })
@Index('rm_market_prices_slot', ['slot'])
export class MarketPriceRow {
  @PrimaryColumn({ type: 'text', name: 'site_id' }) siteId!: string;
  @PrimaryColumn({ type: 'text' }) slot!: string;
  @PrimaryColumn({ type: 'text', name: 'run_id' }) runId!: string;
  @Column({ type: 'text' }) currency!: string;
  /** Null until the run's completion is projected (its allocations come first). */
  @Column({
    type: 'bigint',
    name: 'price_per_gpu_hour',
    nullable: true,
    transformer: bigintAsNumber,
  })
  pricePerGpuHour!: number | null;
  /** GPU-hours the run allocated at (site, slot). */
  @Column({ type: 'integer', name: 'gpu_hours' }) gpuHours!: number;
  /** Position of the last AllocationMade counted in `gpuHours` (each counts once). */
  @Column({ type: 'bigint', name: 'counted_through', nullable: true, transformer: bigintAsNumber })
  countedThrough!: number | null;
  /** Global position of the run's completion: later runs sort after. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber }) position!: number | null;
}

/** Why a run left an order (partly) unfilled: shown on the run and on the order. */
@Entity({ name: 'rm_unfilled_orders' })
@Index('rm_unfilled_orders_order', ['orderId', 'position'])
export class UnfilledOrderRow {
  @PrimaryColumn({ type: 'text', name: 'run_id' }) runId!: string;
  @PrimaryColumn({ type: 'text', name: 'order_id' }) orderId!: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) position!: number;
  @Column({ type: 'jsonb' }) reason!: UnfilledOrderReason;
}
