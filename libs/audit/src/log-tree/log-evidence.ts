import { InclusionProof, verifyInclusion } from '../merkle';
import { CheckpointNoteOptions, NoteFailure, verifyCheckpointNote } from './checkpoint-note';
import { parseCheckpointText, parseSignedNote } from './signed-note';
import { ConsistencyProof, consistencyFailure } from './tree-proofs';

/**
 * Everything an offline auditor checks against one (cosigned) checkpoint: the note itself, the
 * inclusion proofs of the events it holds, and the consistency proof from an older checkpoint.
 * Each failure names what was forged.
 */
export type EvidenceFailureKind =
  | NoteFailure['kind']
  | 'inclusion_proof'
  | 'inclusion_tree_size'
  | 'consistency_proof'
  | 'consistency_tree_size';

export interface EvidenceFailure {
  kind: EvidenceFailureKind;
  message: string;
}

export interface LogEvidence extends CheckpointNoteOptions {
  /** The checkpoint note (with cosignature lines) the evidence is checked against. */
  note: string;
  inclusions?: readonly { eventId: string; eventHash: string; proof: InclusionProof }[];
  /** An older checkpoint note the auditor holds, and the proof that the log only grew since. */
  consistency?: { olderNote: string; proof: ConsistencyProof };
}

export function verifyLogEvidence(evidence: LogEvidence): {
  ok: boolean;
  failures: EvidenceFailure[];
} {
  const note = verifyCheckpointNote(evidence.note, evidence);
  // An unknown cosigner alone does not fail a note that meets its quorum.
  const failures: EvidenceFailure[] = note.ok ? [] : [...note.failures];
  const fields = note.fields;
  if (!fields) return { ok: false, failures };
  for (const { eventId, eventHash, proof } of evidence.inclusions ?? []) {
    if (proof?.treeSize !== fields.treeSize) {
      failures.push({
        kind: 'inclusion_tree_size',
        message: `the inclusion proof of event ${eventId} is for tree size ${proof?.treeSize}, the checkpoint's is ${fields.treeSize}`,
      });
    } else if (!verifyInclusion(eventHash, proof, fields.rootHash)) {
      failures.push({
        kind: 'inclusion_proof',
        message: `the inclusion proof of event ${eventId} (leaf ${proof.leafIndex}) does not lead to the root of tree size ${fields.treeSize}`,
      });
    }
  }
  if (evidence.consistency) {
    const { olderNote, proof } = evidence.consistency;
    const older = verifyCheckpointNote(olderNote, {
      logKeys: evidence.logKeys,
      origin: fields.origin,
    });
    if (!older.ok || !older.fields) {
      failures.push(...older.failures);
    } else if (
      proof?.firstSize !== older.fields.treeSize ||
      proof?.secondSize !== fields.treeSize
    ) {
      failures.push({
        kind: 'consistency_tree_size',
        message: `the consistency proof is from ${proof?.firstSize} to ${proof?.secondSize}, the checkpoints are of tree sizes ${older.fields.treeSize} and ${fields.treeSize}`,
      });
    } else {
      const failure = consistencyFailure(proof, older.fields.rootHash, fields.rootHash);
      if (failure) {
        failures.push({
          kind: 'consistency_proof',
          message: `the consistency proof from tree size ${older.fields.treeSize} to ${fields.treeSize} fails: ${failure}`,
        });
      }
    }
  }
  return { ok: failures.length === 0, failures };
}

/** The tree size a checkpoint note states (undefined when it is not one). */
export function noteTreeSize(note: string): number | undefined {
  try {
    return parseCheckpointText(parseSignedNote(note).text).treeSize;
  } catch {
    return undefined;
  }
}
