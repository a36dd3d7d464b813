import { CHECKPOINT_BODY_FIELDS, SignedCheckpoint } from '../checkpoint';
import { BundledEvent, BundleProof } from './bundle-lines';
import {
  expectInt,
  expectKeys,
  expectString,
  HASH_HEX,
  isObject,
  KEY_ID,
  Malformed,
} from './line-fields';

// treeSize and note: v2 checkpoints (the whole-log tree's signed note).
const OPTIONAL_CHECKPOINT_FIELDS = ['firstEventId', 'lastEventId', 'treeSize', 'note'];

const EVENT_FIELDS = [
  'id',
  'streamId',
  'revision',
  'globalPosition',
  'type',
  'schemaVersion',
  'data',
  'metadata',
  'hash',
  'prevHash',
];

/** A checkpoint line's checkpoint; throws Malformed when a field is missing, extra or ill-typed. */
export function parseCheckpointLine(value: Record<string, unknown>): SignedCheckpoint {
  const required = [
    'kind',
    'signature',
    ...CHECKPOINT_BODY_FIELDS.filter((f) => !OPTIONAL_CHECKPOINT_FIELDS.includes(f)),
  ];
  expectKeys(value, required, [...OPTIONAL_CHECKPOINT_FIELDS, 'cosignatures'], 'checkpoint');
  const checkpoint: SignedCheckpoint = {
    sequence: expectInt(value.sequence, 'checkpoint sequence', 1),
    fromPosition: expectInt(value.fromPosition, 'checkpoint fromPosition'),
    toPosition: expectInt(value.toPosition, 'checkpoint toPosition'),
    eventCount: expectInt(value.eventCount, 'checkpoint eventCount'),
    merkleRoot: expectString(value.merkleRoot, 'checkpoint merkleRoot', HASH_HEX),
    previousCheckpointHash: expectString(
      value.previousCheckpointHash,
      'checkpoint previousCheckpointHash',
      HASH_HEX,
    ),
    sealedAt: expectString(value.sealedAt, 'checkpoint sealedAt'),
    keyId: expectString(value.keyId, 'checkpoint keyId', KEY_ID),
    signature: expectString(value.signature, 'checkpoint signature'),
  };
  if ('firstEventId' in value)
    checkpoint.firstEventId = expectString(value.firstEventId, 'checkpoint firstEventId');
  if ('lastEventId' in value)
    checkpoint.lastEventId = expectString(value.lastEventId, 'checkpoint lastEventId');
  if ('treeSize' in value) checkpoint.treeSize = expectInt(value.treeSize, 'checkpoint treeSize');
  if ('note' in value) checkpoint.note = expectString(value.note, 'checkpoint note');
  if (checkpoint.toPosition < checkpoint.fromPosition)
    throw new Malformed('checkpoint toPosition is before fromPosition');
  return checkpoint;
}

/** A checkpoint line's witness cosignature lines (v2 checkpoints; none when absent). */
export function parseCosignatures(value: Record<string, unknown>): string[] {
  if (!('cosignatures' in value)) return [];
  if (!Array.isArray(value.cosignatures) || value.cosignatures.some((c) => typeof c !== 'string'))
    throw new Malformed('checkpoint cosignatures is not a list of cosignature lines');
  return value.cosignatures as string[];
}

/** An event line's event and proof; throws Malformed as parseCheckpointLine does. */
export function parseEventLine(value: Record<string, unknown>): {
  event: BundledEvent;
  proof: BundleProof | null;
} {
  expectKeys(value, ['kind', 'event', 'proof'], [], 'event line');
  const raw = value.event;
  if (!isObject(raw)) throw new Malformed('"event" is not an object');
  expectKeys(raw, EVENT_FIELDS, [], 'event');
  const event: BundledEvent = {
    id: expectString(raw.id, 'event id'),
    streamId: expectString(raw.streamId, 'event streamId'),
    revision: expectInt(raw.revision, 'event revision'),
    globalPosition: expectInt(raw.globalPosition, 'event globalPosition', 1),
    type: expectString(raw.type, 'event type'),
    schemaVersion: expectInt(raw.schemaVersion, 'event schemaVersion'),
    data: raw.data,
    metadata: raw.metadata,
    hash: expectString(raw.hash, 'event hash', HASH_HEX),
    prevHash: expectString(raw.prevHash, 'event prevHash', HASH_HEX),
  };
  return { event, proof: value.proof === null ? null : parseProof(value.proof) };
}

function parseProof(value: unknown): BundleProof {
  if (!isObject(value)) throw new Malformed('"proof" is neither null nor an object');
  expectKeys(value, ['checkpointSequence', 'leafIndex', 'treeSize', 'path'], [], 'proof');
  if (!Array.isArray(value.path)) throw new Malformed('proof path is not an array');
  return {
    checkpointSequence: expectInt(value.checkpointSequence, 'proof checkpointSequence', 1),
    leafIndex: expectInt(value.leafIndex, 'proof leafIndex'),
    treeSize: expectInt(value.treeSize, 'proof treeSize', 1),
    path: value.path.map((node, i) => expectString(node, `proof path[${i}]`, HASH_HEX)),
  };
}
