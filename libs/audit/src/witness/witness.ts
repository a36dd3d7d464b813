import { KeyInput } from '../checkpoint';
import { NoteVerifier, cosignatureLine, parseSignedNote } from '../log-tree/signed-note';
import { verifyCheckpointNote } from '../log-tree/checkpoint-note';
import { ConsistencyProof, consistencyFailure } from '../log-tree/tree-proofs';

/**
 * The reference witness's decision, pure but for the signature: given the last checkpoint it
 * cosigned and a new one (with the consistency proof between them), cosign it, skip it, or
 * refuse it. A witness never cosigns a checkpoint inconsistent with one it already cosigned: two
 * histories for the same log (a fork, a rollback) are refused and reported.
 */

/** What a witness remembers of the log: the last checkpoint it cosigned. */
export interface WitnessMemory {
  origin: string;
  treeSize: number;
  rootHash: string;
}

export interface WitnessIdentity {
  /** The witness's key name (its verifier key carries it). */
  name: string;
  privateKey: KeyInput;
  /** The log's verifier key(s): a checkpoint not signed by one of them is refused. */
  logKeys: readonly (NoteVerifier | string)[];
}

export type WitnessDecision =
  | { action: 'cosign'; cosignature: string; memory: WitnessMemory }
  | { action: 'skip'; reason: string }
  | { action: 'refuse'; reason: string };

export function witnessCheckpoint(
  identity: WitnessIdentity,
  memory: WitnessMemory | undefined,
  note: string,
  proof: ConsistencyProof | undefined,
  now: Date,
): WitnessDecision {
  const verification = verifyCheckpointNote(note, {
    logKeys: identity.logKeys,
    origin: memory?.origin,
  });
  if (!verification.ok || !verification.fields) {
    return {
      action: 'refuse',
      reason: `the checkpoint does not verify: ${verification.failures.map((f) => f.message).join('; ')}`,
    };
  }
  const fields = verification.fields;
  if (memory) {
    if (fields.treeSize < memory.treeSize) {
      return {
        action: 'refuse',
        reason: `rollback: tree size ${fields.treeSize} is smaller than ${memory.treeSize}, already cosigned`,
      };
    }
    if (fields.treeSize === memory.treeSize) {
      return fields.rootHash === memory.rootHash
        ? { action: 'skip', reason: `tree size ${fields.treeSize} is already cosigned` }
        : {
            action: 'refuse',
            reason: `fork: tree size ${fields.treeSize} has root ${fields.rootHash}, the cosigned one ${memory.rootHash}`,
          };
    }
    if (!proof || proof.firstSize !== memory.treeSize || proof.secondSize !== fields.treeSize) {
      return {
        action: 'refuse',
        reason: `no consistency proof from tree size ${memory.treeSize} to ${fields.treeSize}`,
      };
    }
    const failure = consistencyFailure(proof, memory.rootHash, fields.rootHash);
    if (failure) {
      return {
        action: 'refuse',
        reason: `fork: tree size ${fields.treeSize} is not an extension of the cosigned tree size ${memory.treeSize} (${failure})`,
      };
    }
  }
  const { text } = parseSignedNote(note);
  return {
    action: 'cosign',
    cosignature: cosignatureLine(
      text,
      identity.name,
      identity.privateKey,
      Math.floor(now.getTime() / 1000),
    ),
    memory: { origin: fields.origin, treeSize: fields.treeSize, rootHash: fields.rootHash },
  };
}
