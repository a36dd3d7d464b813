import { hash } from 'node:crypto';
import { EMPTY_TREE_ROOT, InclusionProof } from '../merkle';
import {
  consistencyProofRanges,
  inclusionProofRanges,
  LeafRange,
  NodeRef,
  nodesOfRange,
  nodesOfRanges,
  nodesOfTree,
} from './tree-ranges';

/**
 * RFC 9162 inclusion and consistency proofs built from a log tree's stored perfect nodes, and
 * their verifiers. A proof reads O(log n) nodes whatever the tree size.
 */

/** Looks up the hash (32 bytes) of a stored perfect node; throws when the store lacks it. */
export type NodeLookup = (node: NodeRef) => Buffer;

export interface ConsistencyProof {
  firstSize: number;
  secondSize: number;
  /** Subtree hashes (hex), in RFC 9162 order. */
  path: string[];
}

const NODE_PREFIX = Buffer.of(0x01);
const HASH_HEX = /^[0-9a-f]{64}$/;

export function interiorHash(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer') as unknown as Buffer;
}

/** RFC 6962 hash of a proof subtree: the right fold of its perfect nodes. */
export function rangeHash(range: LeafRange, lookup: NodeLookup): Buffer {
  const nodes = nodesOfRange(range).map(lookup);
  let acc = nodes[nodes.length - 1];
  for (let i = nodes.length - 2; i >= 0; i -= 1) acc = interiorHash(nodes[i], acc);
  return acc;
}

/** The root (hex) of the first `treeSize` leaves. */
export function treeRootFromNodes(treeSize: number, lookup: NodeLookup): string {
  if (treeSize === 0) return EMPTY_TREE_ROOT;
  return rangeHash({ lo: 0, hi: treeSize }, lookup).toString('hex');
}

/** The nodes to read (in one query) before building an inclusion proof. */
export function nodesForInclusionProof(leafIndex: number, treeSize: number): NodeRef[] {
  return nodesOfRanges(inclusionProofRanges(leafIndex, treeSize));
}

/** The nodes to read before building a consistency proof (roots of both sizes included). */
export function nodesForConsistencyProof(firstSize: number, secondSize: number): NodeRef[] {
  return nodesOfRanges([
    ...consistencyProofRanges(firstSize, secondSize),
    ...(firstSize > 0 ? [{ lo: 0, hi: firstSize }] : []),
    ...(secondSize > 0 ? [{ lo: 0, hi: secondSize }] : []),
  ]);
}

/**
 * The inclusion proof of leaf `leafIndex` (0-based, in log order) in the tree of the first
 * `treeSize` leaves. Verify it with `verifyInclusion(eventHash, proof, root)`.
 */
export function inclusionProofFromNodes(
  leafIndex: number,
  treeSize: number,
  lookup: NodeLookup,
): InclusionProof {
  return {
    leafIndex,
    treeSize,
    path: hexHashesOf(inclusionProofRanges(leafIndex, treeSize), lookup),
  };
}

/** The consistency proof that the tree of `firstSize` leaves is a prefix of the one of `secondSize`. */
export function consistencyProofFromNodes(
  firstSize: number,
  secondSize: number,
  lookup: NodeLookup,
): ConsistencyProof {
  return {
    firstSize,
    secondSize,
    path: hexHashesOf(consistencyProofRanges(firstSize, secondSize), lookup),
  };
}

/** A proof's path: the hashes of its ranges, in order, as hex. */
function hexHashesOf(ranges: readonly LeafRange[], lookup: NodeLookup): string[] {
  return ranges.map((range) => rangeHash(range, lookup).toString('hex'));
}

/** Why a consistency proof does not hold, or null when it does. */
export function consistencyFailure(
  proof: ConsistencyProof,
  firstRoot: string,
  secondRoot: string,
): string | null {
  try {
    if (!proof || !Array.isArray(proof.path)) return 'the proof has no path';
    const { firstSize, secondSize, path } = proof;
    if (!Number.isSafeInteger(firstSize) || !Number.isSafeInteger(secondSize))
      return 'a tree size is not a whole number';
    if (firstSize < 0 || firstSize > secondSize)
      return `tree size ${firstSize} cannot precede tree size ${secondSize}`;
    if (!HASH_HEX.test(firstRoot) || !HASH_HEX.test(secondRoot))
      return 'a root hash is not 32 bytes of lowercase hex';
    if (!path.every((node) => typeof node === 'string' && HASH_HEX.test(node)))
      return 'a proof node is not 32 bytes of lowercase hex';
    if (firstSize === secondSize) {
      if (path.length !== 0) return 'a proof between equal tree sizes must be empty';
      return firstRoot === secondRoot ? null : 'equal tree sizes with different roots (a fork)';
    }
    if (firstSize === 0)
      return path.length === 0 ? null : 'a proof from the empty tree must be empty';
    if (path.length === 0) return 'the proof is empty';
    const nodes = path.map((hex) => Buffer.from(hex, 'hex'));
    // RFC 9162 §2.1.4.2
    if (isPowerOfTwo(firstSize)) nodes.unshift(Buffer.from(firstRoot, 'hex'));
    let fn = firstSize - 1;
    let sn = secondSize - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    let fr: Buffer = nodes[0];
    let sr: Buffer = nodes[0];
    for (const c of nodes.slice(1)) {
      if (sn === 0) return 'the proof is longer than the tree sizes allow';
      if (fn % 2 === 1 || fn === sn) {
        fr = interiorHash(c, fr);
        sr = interiorHash(c, sr);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        sr = interiorHash(sr, c);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (sn !== 0) return 'the proof is shorter than the tree sizes need';
    if (fr.toString('hex') !== firstRoot)
      return `the proof does not lead to the root of tree size ${firstSize}`;
    if (sr.toString('hex') !== secondRoot)
      return `the proof does not lead to the root of tree size ${secondSize}`;
    return null;
  } catch (error) {
    return `the proof cannot be read (${(error as Error).message})`;
  }
}

/** RFC 9162 §2.1.4.2: is the tree of `firstRoot` a prefix of the tree of `secondRoot`? */
export function verifyConsistency(
  proof: ConsistencyProof,
  firstRoot: string,
  secondRoot: string,
): boolean {
  return consistencyFailure(proof, firstRoot, secondRoot) === null;
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}

export { nodesOfTree };
