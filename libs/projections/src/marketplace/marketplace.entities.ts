import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ComputeOrder, EnergyOffer, Participant, Site } from '@policloud/domain';
import { bigintAsNumber } from '../column-transformers';

/**
 * Read models of the marketplace aggregates: the aggregate's current state as JSON (what the
 * API returns) plus the columns queries filter on. Written only by projections.
 */
@Entity({ name: 'rm_participants' })
export class ParticipantRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Column({ type: 'jsonb' }) state!: Participant;
}

@Entity({ name: 'rm_api_keys' })
export class ApiKeyRow {
  @PrimaryColumn({ type: 'text', name: 'key_hash' }) keyHash!: string;
  @Column({ type: 'text', name: 'key_id' }) keyId!: string;
  @Column({ type: 'text', name: 'participant_id' }) participantId!: string;
}

@Entity({ name: 'rm_sites' })
export class SiteRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'text' }) country!: string;
  /** Global position of the stream's first event: the order folding the log meets it in. */
  @Column({ type: 'bigint', name: 'created_position', nullable: true, transformer: bigintAsNumber })
  createdPosition!: number | null;
  @Column({ type: 'jsonb' }) state!: Site;
}

@Entity({ name: 'rm_energy_offers' })
export class EnergyOfferRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Index() @Column({ type: 'text', name: 'producer_id' }) producerId!: string;
  @Column({ type: 'text' }) status!: string;
  /** Global position of the stream's first event: the order folding the log meets it in. */
  @Column({ type: 'bigint', name: 'created_position', nullable: true, transformer: bigintAsNumber })
  createdPosition!: number | null;
  @Column({ type: 'jsonb' }) state!: EnergyOffer;
}

/** Per offer and slot: what is offered, allocated, curtailed and still free (matching input). */
@Entity({ name: 'rm_energy_offer_slots' })
export class EnergyOfferSlotRow {
  @PrimaryColumn({ type: 'text', name: 'offer_id' }) offerId!: string;
  @PrimaryColumn({ type: 'text' }) slot!: string;
  @Column({ type: 'bigint', name: 'offered_wh', transformer: bigintAsNumber }) offeredWh!: number;
  @Column({ type: 'bigint', name: 'allocated_wh', transformer: bigintAsNumber })
  allocatedWh!: number;
  @Column({ type: 'bigint', name: 'curtailed_wh', transformer: bigintAsNumber })
  curtailedWh!: number;
  @Column({ type: 'bigint', name: 'remaining_wh', transformer: bigintAsNumber })
  remainingWh!: number;
}

@Entity({ name: 'rm_compute_orders' })
export class ComputeOrderRow {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'integer' }) revision!: number;
  @Index() @Column({ type: 'text', name: 'buyer_id' }) buyerId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'text', name: 'placed_at' }) placedAt!: string;
  /** Global position of the stream's first event: the order folding the log meets it in. */
  @Column({ type: 'bigint', name: 'created_position', nullable: true, transformer: bigintAsNumber })
  createdPosition!: number | null;
  @Column({ type: 'jsonb' }) state!: ComputeOrder;
}

export const MARKETPLACE_ENTITIES = [
  ParticipantRow,
  ApiKeyRow,
  SiteRow,
  EnergyOfferRow,
  EnergyOfferSlotRow,
  ComputeOrderRow,
];
