import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SiteCapacityState } from '@policloud/domain';

/** A site's capacity stream: the state and revision a matching run decides and appends on. */
@Entity({ name: 'rm_site_capacity' })
export class SiteCapacityRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Column({ type: 'jsonb' }) state!: SiteCapacityState;
}

/** GPUs of a site that fills hold in one slot (every order's, whatever its status now). */
@Entity({ name: 'rm_gpus_held' })
export class GpusHeldRow {
  @PrimaryColumn({ type: 'text', name: 'site_id' }) siteId!: string;
  @PrimaryColumn({ type: 'text' }) slot!: string;
  @Column({ type: 'integer' }) gpus!: number;
}

export const MARKET_STATE_ENTITIES = [SiteCapacityRow, GpusHeldRow];
