import type { KeyRotation } from '../key-rotation';
import { KeyObject } from 'node:crypto';
import { AuditedEvent } from '../audited-event';
import {
  CHECKPOINT_BODY_FIELDS,
  keyIdOf,
  KeyInput,
  parseSigningKey,
  publicKeyPem,
  SignedCheckpoint,
} from '../checkpoint';
import { MerkleTree } from '../merkle';
import { BundledEvent, bundledEventOf, BundleEventLine, BundleProof } from './bundle-lines';
import { BUNDLE_FORMAT, BundleHeader } from './header';
import { bundleContentsOf } from './header-contents';
import { signBundleHeader } from './header-signature';

export interface BuildBundleInput {
  events: readonly AuditedEvent[];
  /** The signed checkpoints covering (some of) the events, in sequence order. */
  checkpoints: readonly SignedCheckpoint[];
  /** Per checkpoint sequence, the stored hashes of every event of its range, in global order. */
  checkpointLeaves: ReadonlyMap<number, readonly string[]>;
  /** Per tree size, the witnesses' cosignature lines of that v2 checkpoint (not signed here: each verifies on its own). */
  cosignatures?: ReadonlyMap<number, readonly string[]>;
  /** The audit key's rotations, in order (written in the header when there are any). */
  keyRotations?: readonly KeyRotation[];
  /** The audit key: its public half goes in the header, which it signs. */
  signingKey: KeyInput;
  generatedAt: string;
  /** The filter the events answer (JSON values; undefined fields are dropped). */
  selection: Record<string, unknown>;
  /** The log position up to which the selection was applied. */
  throughPosition: number;
}

/**
 * Writes the bundle (pure). An event inside a checkpoint's range gets its inclusion proof from
 * `checkpointLeaves`; when its hash is not among those leaves it is written with `proof: null`,
 * which the verifier reports as a failure (a sealed range must prove all its events).
 */
export function buildBundle(input: BuildBundleInput): string {
  const signingKey = parseSigningKey(input.signingKey);
  const checkpoints = [...input.checkpoints].sort((a, b) => a.sequence - b.sequence);
  const events = [...input.events]
    .sort((a, b) => a.globalPosition - b.globalPosition)
    .map(bundledEvent);
  const proofs = new InclusionProofs(checkpoints, input.checkpointLeaves);
  const lines = [
    JSON.stringify(headerOf(input, checkpoints, events, signingKey)),
    ...checkpoints.map((checkpoint) =>
      checkpointLine(checkpoint, input.cosignatures?.get(checkpoint.treeSize ?? -1)),
    ),
    ...events.map((event) => {
      const line: BundleEventLine = { kind: 'event', event, proof: proofs.of(event) };
      return JSON.stringify(line);
    }),
  ];
  return lines.join('\n') + '\n';
}

function bundledEvent(event: AuditedEvent): BundledEvent {
  if (event.hash === undefined || event.prevHash === undefined) {
    throw new TypeError(
      `event ${event.id} has no hash chain (hash/prevHash): it cannot be exported for audit`,
    );
  }
  return bundledEventOf(event, { hash: event.hash, prevHash: event.prevHash });
}

function headerOf(
  input: BuildBundleInput,
  checkpoints: readonly SignedCheckpoint[],
  events: readonly BundledEvent[],
  signingKey: KeyObject,
): BundleHeader {
  return signBundleHeader(
    {
      kind: 'header',
      format: BUNDLE_FORMAT,
      publicKey: publicKeyPem(signingKey),
      keyId: keyIdOf(signingKey),
      ...(input.keyRotations?.length ? { keyRotations: [...input.keyRotations] } : {}),
      generatedAt: input.generatedAt,
      ...bundleContentsOf({
        selection: input.selection,
        throughPosition: input.throughPosition,
        checkpoints,
        events,
      }),
    },
    signingKey,
  );
}

/** The checkpoint's line: kind, its body fields in their order, then its signature. */
function checkpointLine(checkpoint: SignedCheckpoint, cosignatures?: readonly string[]): string {
  const body: Record<string, unknown> = { kind: 'checkpoint' };
  for (const field of CHECKPOINT_BODY_FIELDS)
    if (checkpoint[field] !== undefined) body[field] = checkpoint[field];
  body.signature = checkpoint.signature;
  if (cosignatures?.length) body.cosignatures = cosignatures;
  return JSON.stringify(body);
}

/** Each event's proof into the checkpoint whose range holds it (trees built once, on demand). */
class InclusionProofs {
  private readonly trees = new Map<number, { tree: MerkleTree; index: Map<string, number> }>();

  constructor(
    private readonly checkpoints: readonly SignedCheckpoint[],
    private readonly leaves: ReadonlyMap<number, readonly string[]>,
  ) {}

  /** Null when no checkpoint covers the event, or its hash is not among the covering leaves. */
  of(event: BundledEvent): BundleProof | null {
    const covering = this.checkpoints.find(
      (c) => c.fromPosition < event.globalPosition && event.globalPosition <= c.toPosition,
    );
    const entry = covering ? this.treeOf(covering.sequence) : undefined;
    const leafIndex = entry?.index.get(event.hash);
    if (!covering || !entry || leafIndex === undefined) return null;
    return { checkpointSequence: covering.sequence, ...entry.tree.proof(leafIndex) };
  }

  private treeOf(sequence: number) {
    let entry = this.trees.get(sequence);
    const leaves = this.leaves.get(sequence);
    if (!entry && leaves) {
      entry = { tree: new MerkleTree(leaves), index: new Map(leaves.map((hash, i) => [hash, i])) };
      this.trees.set(sequence, entry);
    }
    return entry;
  }
}
