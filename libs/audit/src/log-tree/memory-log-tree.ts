import { hash } from 'node:crypto';
import { InclusionProof } from '../merkle';
import {
  ConsistencyProof,
  consistencyProofFromNodes,
  inclusionProofFromNodes,
  interiorHash,
  NodeLookup,
  treeRootFromNodes,
} from './tree-proofs';
import { NodeRef } from './tree-ranges';

const LEAF_PREFIX = Buffer.of(0x00);
const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

/** SHA-256(0x00 ‖ bytes(eventHash)): the log tree's leaf for one event (as merkleLeafHash). */
export function leafNodeOf(eventHash: string): Buffer {
  if (typeof eventHash !== 'string' || !LOWER_HEX.test(eventHash)) {
    throw new TypeError(`leaf is not lowercase hex of whole bytes: ${JSON.stringify(eventHash)}`);
  }
  return hash(
    'sha256',
    Buffer.concat([LEAF_PREFIX, Buffer.from(eventHash, 'hex')]),
    'buffer',
  ) as unknown as Buffer;
}

/**
 * An append-only RFC 9162 log tree in memory, keeping every perfect node (level by level), so
 * any past tree size's root and proofs are O(log n). The offline verifier, the reference
 * witness and the benches use it; the service keeps the same nodes in PostgreSQL.
 */
export class MemoryLogTree {
  private readonly levels: Buffer[][] = [[]];

  constructor(eventHashes: readonly string[] = []) {
    for (const eventHash of eventHashes) this.append(eventHash);
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Appends the leaf of one event hash; returns its leaf index. */
  append(eventHash: string): number {
    return this.appendLeafNode(leafNodeOf(eventHash));
  }

  appendLeafNode(leaf: Buffer): number {
    const leafIndex = this.levels[0].length;
    this.levels[0].push(leaf);
    let index = leafIndex;
    let level = 0;
    while (index % 2 === 1) {
      const row = this.levels[level];
      const parent = interiorHash(row[index - 1], row[index]);
      level += 1;
      index = (index - 1) / 2;
      (this.levels[level] ??= []).push(parent);
    }
    return leafIndex;
  }

  readonly lookup: NodeLookup = (node: NodeRef) => {
    const found = this.levels[node.level]?.[node.index];
    if (!found) throw new RangeError(`node ${node.level}/${node.index} is not in the tree`);
    return found;
  };

  root(treeSize = this.size): string {
    this.assertSize(treeSize);
    return treeRootFromNodes(treeSize, this.lookup);
  }

  inclusionProof(leafIndex: number, treeSize = this.size): InclusionProof {
    this.assertSize(treeSize);
    return inclusionProofFromNodes(leafIndex, treeSize, this.lookup);
  }

  consistencyProof(firstSize: number, secondSize = this.size): ConsistencyProof {
    this.assertSize(secondSize);
    return consistencyProofFromNodes(firstSize, secondSize, this.lookup);
  }

  private assertSize(treeSize: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > this.size) {
      throw new RangeError(`tree size ${treeSize} is outside 0..${this.size}`);
    }
  }
}
