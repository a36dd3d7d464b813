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
  /**
   * v2: the size of the one tree over the whole log (RFC 9162) once this checkpoint's events are
   * in it: the number of events at or before toPosition. Absent on v1 checkpoints.
   */
  treeSize?: number;
  /**
   * v2: the C2SP checkpoint of that tree as a signed note (origin, tree size, base64 root hash,
   * then the platform's Ed25519 note signature). Witnesses cosign this text. Absent on v1.
   */
  note?: string;
  /** Base64 Ed25519 signature of checkpointSigningPayload(body). */
  signature: string;
}

/**
 * The audit signing key was rotated: the previous key endorses the next, the next accepts
 * (libs/audit signs and verifies). Checkpoints before it verify with the previous key.
 */
export interface SigningKeyRotated {
  previousKeyId: string;
  /** PEM SPKI. */
  previousPublicKey: string;
  keyId: string;
  /** PEM SPKI. */
  publicKey: string;
  /** UTC ISO-8601. */
  rotatedAt: string;
  /** Base64 Ed25519 signature of the rotation statement by the previous key. */
  endorsement: string;
  /** Base64 Ed25519 signature of the same statement by the next key. */
  acceptance: string;
}

export type AuditSigningKeyRotated = DomainEvent<'AuditSigningKeyRotated', SigningKeyRotated, 1>;

/** v1 checkpoints seal a range only; v2 ones also carry the whole-log tree's signed note. */
export type AuditCheckpointSealed = DomainEvent<'AuditCheckpointSealed', SealedCheckpoint, 2>;

export type AuditCheckpointEvent = AuditCheckpointSealed | AuditSigningKeyRotated;
