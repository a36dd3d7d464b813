import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../column-transformers';

/** Issued statements, one row each, for GET /v1/settlements/:period/statements. */
@Entity({ name: 'rm_settlement_statements' })
export class SettlementStatementRow {
  @PrimaryColumn({ type: 'text', name: 'statement_id' }) statementId!: string;
  @Index() @Column({ type: 'text' }) period!: string;
  @Index() @Column({ type: 'text', name: 'party_id' }) partyId!: string;
  @Column({ type: 'text' }) role!: string;
  @Column({ type: 'text' }) currency!: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) total!: number;
  @Column({ type: 'jsonb' }) data!: Record<string, unknown>;
}

/**
 * Running (not yet closed) figures per period, buyer and currency: GPU-hours delivered and what
 * they will be charged, as usage arrives. Statements remain the figures that count.
 */
@Entity({ name: 'rm_running_charges' })
export class RunningChargeRow {
  @PrimaryColumn({ type: 'text' }) period!: string;
  @PrimaryColumn({ type: 'text', name: 'buyer_id' }) buyerId!: string;
  @PrimaryColumn({ type: 'text' }) currency!: string;
  @Column({ type: 'bigint', name: 'gpu_hours_delivered', transformer: bigintAsNumber })
  gpuHoursDelivered!: number;
  @Column({ type: 'bigint', name: 'wh_consumed', transformer: bigintAsNumber }) whConsumed!: number;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) charge!: number;
}
