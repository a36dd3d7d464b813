import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The first response to a POST carrying an Idempotency-Key, replayed to its retries. */
@Entity({ name: 'idempotency_records' })
export class IdempotencyRecordEntity {
  @PrimaryColumn({ type: 'text', name: 'participant_id' })
  participantId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text', name: 'request_hash' })
  requestHash!: string;

  @Column({ type: 'integer', name: 'status_code' })
  statusCode!: number;

  @Column({ type: 'jsonb' })
  response!: unknown;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
