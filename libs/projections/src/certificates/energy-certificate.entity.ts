import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { EnergyCertificate } from '@policloud/domain';
import { bigintAsNumber } from '../column-transformers';

/**
 * Every hourly certificate with its status and the log events of its lifecycle, for
 * GET /v1/certificates, claims, bundles and the buyer's monthly CFE figures.
 */
@Entity({ name: 'rm_energy_certificates' })
@Index(['beneficiaryId', 'slot', 'certificateId'])
export class EnergyCertificateRow {
  @PrimaryColumn({ type: 'text', name: 'certificate_id' }) certificateId!: string;
  @Column({ type: 'text', name: 'beneficiary_id' }) beneficiaryId!: string;
  @Column({ type: 'text' }) slot!: string;
  @Column({ type: 'text', name: 'offer_id' }) offerId!: string;
  @Column({ type: 'text', name: 'allocation_id' }) allocationId!: string;
  /** issued, claimed or cancelled. */
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'bigint', transformer: bigintAsNumber }) wh!: number;
  @Column({ type: 'jsonb' }) data!: EnergyCertificate;
  @Column({ type: 'text', name: 'issued_event_id' }) issuedEventId!: string;
  @Column({ type: 'text', name: 'claimed_event_id', nullable: true }) claimedEventId!:
    string | null;
  @Column({ type: 'text', name: 'claimed_at', nullable: true }) claimedAt!: string | null;
  @Column({ type: 'text', name: 'cancelled_event_id', nullable: true })
  cancelledEventId!: string | null;
}
