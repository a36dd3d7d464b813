import { SignedCheckpoint } from '../checkpoint';
import { verifyInclusion } from '../merkle';
import { BundledEvent, BundleProof } from './bundle-lines';
import { CheckpointEntry, CheckpointLines } from './checkpoint-checks';
import { LineProblem } from './verification';

/**
 * What an event's proof establishes: `verified` (proven into a valid checkpoint), `unsealed` (no
 * proof, after every checkpoint), `unproven` (its checkpoint's line already failed: not blamed
 * again), or the problem.
 */
export type SealVerdict = LineProblem | 'verified' | 'unsealed' | 'unproven';

export function sealVerdict(
  event: BundledEvent,
  proof: BundleProof | null,
  checkpoints: CheckpointLines,
  where: string,
): SealVerdict {
  if (proof === null) return unsealedVerdict(event, checkpoints, where);
  const entry = checkpoints.get(proof.checkpointSequence);
  if (!entry)
    return {
      kind: 'missing_checkpoint',
      message: `${where}: its proof refers to checkpoint ${proof.checkpointSequence}, which is not in the bundle`,
    };
  if (!entry.valid) return 'unproven';
  const problem =
    inclusionProblem(event, proof, entry.checkpoint, where) ??
    leafPlaceProblem(event, proof, entry, where);
  if (problem) return problem;
  entry.lastLeafIndex = proof.leafIndex;
  return 'verified';
}

/** An event without a proof must lie after every checkpoint: a sealed range proves all its events. */
function unsealedVerdict(
  event: BundledEvent,
  checkpoints: CheckpointLines,
  where: string,
): SealVerdict {
  const covering = checkpoints.covering(event.globalPosition);
  if (!covering) return 'unsealed';
  return {
    kind: 'missing_proof',
    message: `${where} lies in the range of checkpoint ${covering.checkpoint.sequence} (line ${covering.line}) but carries no inclusion proof`,
  };
}

/** The event lies in the checkpoint's range and its hash is a leaf of the checkpoint's root. */
function inclusionProblem(
  event: BundledEvent,
  proof: BundleProof,
  c: SignedCheckpoint,
  where: string,
): LineProblem | undefined {
  if (event.globalPosition <= c.fromPosition || event.globalPosition > c.toPosition)
    return {
      kind: 'position',
      message: `${where} is outside the range (${c.fromPosition}, ${c.toPosition}] of checkpoint ${c.sequence}`,
    };
  if (proof.treeSize !== c.eventCount)
    return {
      kind: 'inclusion_proof',
      message: `${where}: proof tree size ${proof.treeSize} is not checkpoint ${c.sequence}'s event count ${c.eventCount}`,
    };
  if (!verifyInclusion(event.hash, proof, c.merkleRoot))
    return {
      kind: 'inclusion_proof',
      message: `${where}: the inclusion proof does not lead to checkpoint ${c.sequence}'s Merkle root`,
    };
  return undefined;
}

/**
 * Positions are not in the leaves: at least they must agree with the leaf index (leaves in
 * order, room for the leaves before and after, first and last event ids as sealed).
 */
function leafPlaceProblem(
  event: BundledEvent,
  proof: BundleProof,
  entry: CheckpointEntry,
  where: string,
): LineProblem | undefined {
  const c = entry.checkpoint;
  const before = event.globalPosition - c.fromPosition - 1;
  const after = c.toPosition - event.globalPosition;
  if (
    proof.leafIndex <= entry.lastLeafIndex ||
    before < proof.leafIndex ||
    after < proof.treeSize - 1 - proof.leafIndex ||
    (proof.leafIndex === 0 && c.firstEventId !== undefined && c.firstEventId !== event.id) ||
    (proof.leafIndex === proof.treeSize - 1 &&
      c.lastEventId !== undefined &&
      c.lastEventId !== event.id)
  )
    return {
      kind: 'position',
      message: `${where}: position ${event.globalPosition} cannot be leaf ${proof.leafIndex} of checkpoint ${c.sequence}`,
    };
  return undefined;
}
