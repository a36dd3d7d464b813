import { DomainEvent } from '../shared/event';

/** An auditor registered an Ed25519 witness key (C2SP verifier key, cosignature/v1). */
export interface AuditWitnessRegisteredData {
  /** The witness's key name, e.g. `witness.example.org/w1`. */
  name: string;
  /** `<name>+<key id>+<base64(0x04 ‖ public key)>`. */
  verifierKey: string;
  /** The auditor that registered it. */
  registeredBy: string;
  /** UTC ISO-8601. */
  registeredAt: string;
}

/** A witness cosigned the checkpoint of a tree size (the platform verified it first). */
export interface CheckpointCosignedData {
  witness: string;
  treeSize: number;
  /** The C2SP cosignature/v1 line: `— <name> base64(key id ‖ timestamp ‖ signature)`. */
  cosignature: string;
  /** The cosignature's own timestamp (Unix seconds). */
  timestamp: number;
}

export type AuditWitnessRegistered = DomainEvent<
  'AuditWitnessRegistered',
  AuditWitnessRegisteredData,
  1
>;
export type CheckpointCosigned = DomainEvent<'CheckpointCosigned', CheckpointCosignedData, 1>;

export type AuditWitnessEvent = AuditWitnessRegistered | CheckpointCosigned;
