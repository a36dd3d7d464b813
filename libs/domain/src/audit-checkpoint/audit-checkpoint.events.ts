import { DomainEvent } from '../shared/event';

/**
 * A signed Merkle checkpoint of the global log (libs/audit computes and verifies it; the domain
 * keeps its sequence). Internal: not relayed to Kafka, read by auditors through the audit API.
 */
export interface SealedCheckpoint {
  /** 1, 2, … with no gaps. */
  sequence: number;
  /** Exclusive: the previous checkpoint's toPosition (0 for the first). */
  fromPosition: number;
  /** Inclusive. */
  toPosition: number;
  eventCount: number;
  firstEventId?: string;
  lastEventId?: string;
  /** merkleRoot() of the stored hashes of the events in the range, in global order. */
  merkleRoot: string;
  /** checkpointHash() of checkpoint sequence - 1; GENESIS_HASH for sequence 1. */
  previousCheckpointHash: string;
  /** UTC ISO-8601. */
  sealedAt: string;
  /** keyIdOf() the public key that verifies the signature. */
  keyId: string;
  /** Base64 Ed25519 signature of checkpointSigningPayload(body). */
  signature: string;
}

export type AuditCheckpointSealed = DomainEvent<'AuditCheckpointSealed', SealedCheckpoint, 1>;

export type AuditCheckpointEvent = AuditCheckpointSealed;
