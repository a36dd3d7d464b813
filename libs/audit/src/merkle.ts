import { createHash, hash } from 'node:crypto';

/**
 * RFC 6962 (Certificate Transparency) Merkle tree over event hashes in global-position order.
 *
 *   leaf  = SHA-256(0x00 ‖ bytes(eventHash))
 *   node  = SHA-256(0x01 ‖ left ‖ right)
 *   MTH(D[n]) splits at k = the largest power of two strictly smaller than n.
 *   MTH([]) = SHA-256("")
 *
 * Leaves and roots are lowercase hex. Leaves may be any whole number of bytes (event hashes are 32).
 */

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;
const HASH_HEX = /^[0-9a-f]{64}$/;

/** SHA-256 of the empty string: the root of an empty tree. */
export const EMPTY_TREE_ROOT = createHash('sha256').digest('hex');

export interface InclusionProof {
  /** 0-based index of the leaf in the tree. */
  leafIndex: number;
  treeSize: number;
  /** Sibling subtree roots (hex) from the leaf up to the root. */
  path: string[];
}

function toBytes(hex: string, what: string): Buffer {
  if (typeof hex !== 'string' || !LOWER_HEX.test(hex)) {
    throw new TypeError(`${what} is not lowercase hex of whole bytes: ${JSON.stringify(hex)}`);
  }
  return Buffer.from(hex, 'hex');
}

const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

// One-shot hashing: a tree of a checkpoint range hashes every event twice over.
function leafBytes(data: Buffer): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer') as unknown as Buffer;
}

function nodeBytes(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer') as unknown as Buffer;
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** SHA-256(0x00 ‖ hash): the tree's leaf for one event hash. */
export function merkleLeafHash(hash: string): string {
  return leafBytes(toBytes(hash, 'leaf')).toString('hex');
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: string, right: string): string {
  return nodeBytes(toBytes(left, 'left node'), toBytes(right, 'right node')).toString('hex');
}

/**
 * A tree over a fixed list of leaves. Subtree roots are memoised, so building the proofs of every
 * leaf costs O(n log n) hashes rather than O(n²).
 */
export class MerkleTree {
  private readonly leaves: Buffer[];
  private readonly memo = new Map<string, Buffer>();

  constructor(hashes: readonly string[]) {
    this.leaves = hashes.map((hash, index) => leafBytes(toBytes(hash, `leaf ${index}`)));
  }

  get size(): number {
    return this.leaves.length;
  }

  root(): string {
    if (this.leaves.length === 0) return EMPTY_TREE_ROOT;
    return this.subtree(0, this.leaves.length).toString('hex');
  }

  proof(index: number): InclusionProof {
    const n = this.leaves.length;
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new RangeError(`leaf index ${index} is outside a tree of ${n} leaves`);
    }
    const path: Buffer[] = [];
    let lo = 0;
    let hi = n;
    // Walk down from the root, collecting siblings; the path is listed leaf-first.
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        path.push(this.subtree(lo + k, hi));
        hi = lo + k;
      } else {
        path.push(this.subtree(lo, lo + k));
        lo = lo + k;
      }
    }
    return {
      leafIndex: index,
      treeSize: n,
      path: path.reverse().map((node) => node.toString('hex')),
    };
  }

  private subtree(lo: number, hi: number): Buffer {
    if (hi - lo === 1) return this.leaves[lo];
    const key = `${lo}:${hi}`;
    const cached = this.memo.get(key);
    if (cached) return cached;
    const k = splitPoint(hi - lo);
    const node = nodeBytes(this.subtree(lo, lo + k), this.subtree(lo + k, hi));
    this.memo.set(key, node);
    return node;
  }
}

/**
 * MTH of the event hashes (in global-position order), bottom-up: pairing neighbours level by level
 * and carrying an odd last node up unchanged gives the same root as RFC 6962's split at the
 * largest power of two, without the proof memo.
 */
export function merkleRoot(hashes: readonly string[]): string {
  if (hashes.length === 0) return EMPTY_TREE_ROOT;
  let level = hashes.map((leaf, index) => leafBytes(toBytes(leaf, `leaf ${index}`)));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeBytes(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0].toString('hex');
}

/** The RFC 6962 audit path of `hashes[index]`. */
export function inclusionProof(hashes: readonly string[], index: number): InclusionProof {
  return new MerkleTree(hashes).proof(index);
}

/**
 * RFC 9162 §2.1.3.2 verification: does the leaf whose content is `leafHash` (the event hash, not
 * yet 0x00-prefixed and hashed: that is done here) sit at `proof.leafIndex` of a tree of
 * `proof.treeSize` leaves with this root? Never throws: malformed input is simply not proven.
 */
export function verifyInclusion(leafHash: string, proof: InclusionProof, root: string): boolean {
  try {
    if (!proof || !Array.isArray(proof.path)) return false;
    const { leafIndex, treeSize } = proof;
    if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return false;
    if (leafIndex < 0 || leafIndex >= treeSize) return false;
    if (typeof root !== 'string' || !HASH_HEX.test(root)) return false;
    if (!proof.path.every((node) => typeof node === 'string' && HASH_HEX.test(node))) return false;

    let fn = leafIndex;
    let sn = treeSize - 1;
    let r = leafBytes(toBytes(leafHash, 'leaf'));
    for (const hex of proof.path) {
      if (sn === 0) return false;
      const p = Buffer.from(hex, 'hex');
      if (fn % 2 === 1 || fn === sn) {
        r = nodeBytes(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = nodeBytes(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && r.toString('hex') === root;
  } catch {
    return false;
  }
}
