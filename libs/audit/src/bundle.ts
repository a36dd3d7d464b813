import {
  BUNDLE_FORMAT,
  BundleContents,
  bundleContentsOf,
  BundleHeader,
  ContentsTally,
  parseBundleHeader,
  signBundleHeader,
  SUPERSEDED_BUNDLE_FORMATS,
  verifyBundleHeaderSignature,
} from './bundle-header';
import {
  CHECKPOINT_BODY_FIELDS,
  checkpointHash,
  keyIdOf,
  KeyInput,
  parsePublicKey,
  parseSigningKey,
  publicKeyPem,
  samePublicKey,
  SignedCheckpoint,
  verifyCheckpointSignature,
} from './checkpoint';
import { eventHash, GENESIS_HASH } from './event-hash';
import { InclusionProof, MerkleTree, verifyInclusion } from './merkle';
import { AuditedEvent } from './verify-history';
import { KeyObject } from 'node:crypto';

export { BUNDLE_FORMAT, SUPERSEDED_BUNDLE_FORMATS };
export type { BundleContents, BundleHeader };

/**
 * Offline audit bundle, NDJSON (one JSON value per line, "\n"-separated, each line exactly as
 * JSON.stringify writes it):
 *
 *   line 1   {"kind":"header","format":"policloud-audit-bundle/2","publicKey","keyId","generatedAt",
 *             "selection","throughPosition","checkpoints","eventCount","streams","eventsDigest","signature"}
 *   then     {"kind":"checkpoint",<SignedCheckpoint fields>}                        (sequence order)
 *   then     {"kind":"event","event":{<BundledEvent>},"proof":{"checkpointSequence","leafIndex","treeSize","path"} | null}
 *                                                                                   (global order)
 *
 * What an auditor can trust: checkpoints (signed), every sealed event (hash recomputed from its
 * content + prevHash, then proven into a signed checkpoint's Merkle root), and the header, signed
 * with the same key: the selection, and exactly which checkpoints and events (stream, revision,
 * position, hash) answer it. So a removed, added, duplicated or moved line fails, and a filtered
 * export is told apart from a truncated one. Unsealed events (proof null, after the last
 * checkpoint) are authenticated by the header's signature only.
 */
/** An event as exported: only fields the hash covers, plus its global position. */
export type BundledEvent = Omit<AuditedEvent, 'recordedAt' | 'hash' | 'prevHash'> & {
  hash: string;
  prevHash: string;
};

export interface BundleProof extends InclusionProof {
  checkpointSequence: number;
}

export interface BundleCheckpointLine extends SignedCheckpoint {
  kind: 'checkpoint';
}

export interface BundleEventLine {
  kind: 'event';
  event: BundledEvent;
  proof: BundleProof | null;
}

export interface BuildBundleInput {
  events: readonly AuditedEvent[];
  /** The signed checkpoints covering (some of) the events, in sequence order. */
  checkpoints: readonly SignedCheckpoint[];
  /** Per checkpoint sequence, the stored hashes of every event of its range, in global order. */
  checkpointLeaves: ReadonlyMap<number, readonly string[]>;
  /** The audit key: its public half goes in the header, which it signs. */
  signingKey: KeyInput;
  generatedAt: string;
  /** The filter the events answer (JSON values; undefined fields are dropped). */
  selection: Record<string, unknown>;
  /** The log position up to which the selection was applied. */
  throughPosition: number;
}

export type BundleFailureKind =
  | 'parse'
  | 'malformed'
  | 'header'
  | 'untrusted_key'
  | 'order'
  | 'checkpoint_signature'
  | 'checkpoint_chain'
  | 'event_hash'
  | 'chain_break'
  | 'missing_checkpoint'
  | 'missing_proof'
  | 'inclusion_proof'
  | 'position'
  | 'header_signature'
  | 'missing_event'
  | 'missing_stream'
  | 'unlisted'
  | 'selection'
  | 'events_digest';

export interface BundleFailure {
  /** 1-based line number in the bundle (1, the header that lists them, for missing lines). */
  line: number;
  kind: BundleFailureKind;
  message: string;
}

export interface BundleVerification {
  ok: boolean;
  /** keyId of the key checkpoints were verified with (the trusted key when given). */
  keyId?: string;
  /** Sealed events whose hash and inclusion proof verified against a valid checkpoint. */
  eventsVerified: number;
  /** Events with no proof (after the last checkpoint): consistent, but not sealed. */
  unsealedEvents: number;
  checkpointsVerified: number;
  failures: BundleFailure[];
}

function bundledEvent(event: AuditedEvent): BundledEvent {
  if (event.hash === undefined || event.prevHash === undefined) {
    throw new TypeError(
      `event ${event.id} has no hash chain (hash/prevHash): it cannot be exported for audit`,
    );
  }
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    globalPosition: event.globalPosition,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    hash: event.hash,
    prevHash: event.prevHash,
  };
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
  const header = signBundleHeader(
    {
      kind: 'header',
      format: BUNDLE_FORMAT,
      publicKey: publicKeyPem(signingKey),
      keyId: keyIdOf(signingKey),
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
  const lines = [JSON.stringify(header)];
  for (const checkpoint of checkpoints) {
    const body: Record<string, unknown> = { kind: 'checkpoint' };
    for (const field of CHECKPOINT_BODY_FIELDS)
      if (checkpoint[field] !== undefined) body[field] = checkpoint[field];
    body.signature = checkpoint.signature;
    lines.push(JSON.stringify(body));
  }
  const trees = new Map<number, { tree: MerkleTree; index: Map<string, number> }>();
  const treeOf = (sequence: number) => {
    let entry = trees.get(sequence);
    const leaves = input.checkpointLeaves.get(sequence);
    if (!entry && leaves) {
      entry = { tree: new MerkleTree(leaves), index: new Map(leaves.map((hash, i) => [hash, i])) };
      trees.set(sequence, entry);
    }
    return entry;
  };
  for (const exported of events) {
    const covering = checkpoints.find(
      (c) => c.fromPosition < exported.globalPosition && exported.globalPosition <= c.toPosition,
    );
    let proof: BundleProof | null = null;
    const entry = covering ? treeOf(covering.sequence) : undefined;
    const leafIndex = entry?.index.get(exported.hash);
    if (covering && entry && leafIndex !== undefined) {
      proof = { checkpointSequence: covering.sequence, ...entry.tree.proof(leafIndex) };
    }
    const line: BundleEventLine = { kind: 'event', event: exported, proof };
    lines.push(JSON.stringify(line));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Verification

const HASH_HEX = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;

class Malformed extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectKeys(
  value: Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[],
  what: string,
): void {
  for (const key of required) if (!(key in value)) throw new Malformed(`${what}: missing "${key}"`);
  const allowed = new Set([...required, ...optional]);
  for (const key of Object.keys(value))
    if (!allowed.has(key)) throw new Malformed(`${what}: unexpected field "${key}"`);
}

function expectInt(value: unknown, what: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Malformed(`${what} is not an integer ≥ ${min}: ${JSON.stringify(value)}`);
  }
  return value;
}

function expectString(value: unknown, what: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
    throw new Malformed(
      `${what} is not ${pattern ? 'well-formed' : 'a string'}: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function parseCheckpointLine(value: Record<string, unknown>): SignedCheckpoint {
  const optional = ['firstEventId', 'lastEventId'];
  const required = [
    'kind',
    'signature',
    ...CHECKPOINT_BODY_FIELDS.filter((f) => !optional.includes(f)),
  ];
  expectKeys(value, required, optional, 'checkpoint');
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
  if (checkpoint.toPosition < checkpoint.fromPosition)
    throw new Malformed('checkpoint toPosition is before fromPosition');
  return checkpoint;
}

function parseEventLine(value: Record<string, unknown>): {
  event: BundledEvent;
  proof: BundleProof | null;
} {
  expectKeys(value, ['kind', 'event', 'proof'], [], 'event line');
  const raw = value.event;
  if (!isObject(raw)) throw new Malformed('"event" is not an object');
  expectKeys(
    raw,
    [
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
    ],
    [],
    'event',
  );
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
  let proof: BundleProof | null = null;
  if (value.proof !== null) {
    if (!isObject(value.proof)) throw new Malformed('"proof" is neither null nor an object');
    const p = value.proof;
    expectKeys(p, ['checkpointSequence', 'leafIndex', 'treeSize', 'path'], [], 'proof');
    if (!Array.isArray(p.path)) throw new Malformed('proof path is not an array');
    proof = {
      checkpointSequence: expectInt(p.checkpointSequence, 'proof checkpointSequence', 1),
      leafIndex: expectInt(p.leafIndex, 'proof leafIndex'),
      treeSize: expectInt(p.treeSize, 'proof treeSize', 1),
      path: p.path.map((node, i) => expectString(node, `proof path[${i}]`, HASH_HEX)),
    };
  }
  return { event, proof };
}

interface CheckpointEntry {
  checkpoint: SignedCheckpoint;
  line: number;
  valid: boolean;
  lastLeafIndex: number;
}

/**
 * Verifies a bundle offline. Every failure names its 1-based line; at most one failure per line
 * (the first problem found on it), and a line that depends on an already-failed line (an event of
 * a bad checkpoint, the link to a bad predecessor) is not failed again for that. What the signed
 * header lists and no line holds (a checkpoint, a stream, a run of events) fails at line 1, one
 * failure each.
 */
export function verifyBundle(
  ndjson: string,
  options: { trustedPublicKey?: KeyInput } = {},
): BundleVerification {
  const failures: BundleFailure[] = [];
  const fail = (line: number, kind: BundleFailureKind, message: string) =>
    failures.push({ line, kind, message });
  let eventsVerified = 0;
  let unsealedEvents = 0;
  let checkpointsVerified = 0;

  const lines = ndjson.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 1 && lines[0] === '') {
    return {
      ok: false,
      eventsVerified,
      unsealedEvents,
      checkpointsVerified,
      failures: [{ line: 1, kind: 'header', message: 'the bundle is empty' }],
    };
  }

  const parsed: (Record<string, unknown> | undefined)[] = lines.map((text, i) => {
    const line = i + 1;
    let value: unknown;
    if (text === '') {
      fail(line, 'parse', 'empty line');
      return undefined;
    }
    try {
      value = JSON.parse(text);
    } catch (error) {
      fail(line, 'parse', `not valid JSON (${(error as Error).message})`);
      return undefined;
    }
    if (!isObject(value)) {
      fail(line, 'parse', 'not a JSON object');
      return undefined;
    }
    if (JSON.stringify(value) !== text) {
      fail(
        line,
        'malformed',
        'not written as the exporter writes it (whitespace, escapes, number form or a duplicate key differ): the line was edited',
      );
      return undefined;
    }
    return value;
  });

  // Header: its shape and key now, its signature once the verifying key is known.
  let header: BundleHeader | undefined;
  let headerKey: KeyObject | undefined;
  if (parsed[0]) {
    try {
      ({ header, key: headerKey } = parseBundleHeader(parsed[0]));
    } catch (error) {
      fail(1, 'header', (error as Error).message);
    }
  }

  let verifyingKey: KeyObject | undefined = headerKey;
  let trusted = true;
  if (options.trustedPublicKey !== undefined) {
    verifyingKey = parsePublicKey(options.trustedPublicKey);
    if (headerKey && !samePublicKey(headerKey, verifyingKey)) {
      trusted = false;
      fail(
        1,
        'untrusted_key',
        `the bundle's key ${keyIdOf(headerKey)} is not the trusted key ${keyIdOf(verifyingKey)}`,
      );
    }
  }
  // What the bundle must hold, once its signature verifies; nothing can be said without it.
  let tally: ContentsTally | undefined;
  if (header && verifyingKey && trusted) {
    if (verifyBundleHeaderSignature(header, verifyingKey)) tally = new ContentsTally(header);
    else
      fail(
        1,
        'header_signature',
        `the header's signature does not verify with key ${keyIdOf(verifyingKey)}: its selection or its list of checkpoints and events was altered`,
      );
  }
  const verifyingKeyId = verifyingKey ? keyIdOf(verifyingKey) : undefined;

  const checkpoints = new Map<number, CheckpointEntry>();
  let previousCheckpoint: CheckpointEntry | undefined;
  let seenEvent = false;
  let previousPosition = 0;
  const lastOfStream = new Map<string, { event: BundledEvent; ok: boolean }>();

  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const value = parsed[i];
    if (!value) continue;
    try {
      if (value.kind === 'header') throw new Malformed('a second header');
      if (value.kind === 'checkpoint') {
        const checkpoint = parseCheckpointLine(value);
        if (seenEvent) {
          fail(line, 'order', 'checkpoint lines must come before event lines');
          continue;
        }
        const entry: CheckpointEntry = { checkpoint, line, valid: false, lastLeafIndex: -1 };
        const previous = previousCheckpoint;
        if (previous && checkpoint.sequence <= previous.checkpoint.sequence) {
          fail(
            line,
            'order',
            `checkpoint ${checkpoint.sequence} follows checkpoint ${previous.checkpoint.sequence}`,
          );
          continue;
        }
        previousCheckpoint = entry;
        checkpoints.set(checkpoint.sequence, entry);
        if (tally && !tally.checkpoint(checkpoint.sequence)) {
          fail(
            line,
            'unlisted',
            `checkpoint ${checkpoint.sequence} is not among the checkpoints the signed header lists (the line was added)`,
          );
          continue;
        }
        if (!verifyingKey) {
          fail(
            line,
            'checkpoint_signature',
            `checkpoint ${checkpoint.sequence}: no usable public key to verify it`,
          );
          continue;
        }
        if (checkpoint.keyId !== verifyingKeyId) {
          fail(
            line,
            'checkpoint_signature',
            `checkpoint ${checkpoint.sequence} names key ${checkpoint.keyId}, not ${verifyingKeyId}`,
          );
          continue;
        }
        if (!verifyCheckpointSignature(checkpoint, verifyingKey)) {
          fail(
            line,
            'checkpoint_signature',
            `checkpoint ${checkpoint.sequence}: the signature does not verify with key ${verifyingKeyId} (the checkpoint or its signature was altered)`,
          );
          continue;
        }
        if (checkpoint.sequence === 1 && checkpoint.previousCheckpointHash !== GENESIS_HASH) {
          fail(line, 'checkpoint_chain', 'checkpoint 1 must follow GENESIS');
          continue;
        }
        if (
          previous &&
          previous.checkpoint.sequence === checkpoint.sequence - 1 &&
          previous.valid
        ) {
          if (checkpoint.previousCheckpointHash !== checkpointHash(previous.checkpoint)) {
            fail(
              line,
              'checkpoint_chain',
              `checkpoint ${checkpoint.sequence}: previousCheckpointHash is not the hash of checkpoint ${previous.checkpoint.sequence} (line ${previous.line})`,
            );
            continue;
          }
          if (checkpoint.fromPosition !== previous.checkpoint.toPosition) {
            fail(
              line,
              'checkpoint_chain',
              `checkpoint ${checkpoint.sequence} starts after ${checkpoint.fromPosition}, checkpoint ${previous.checkpoint.sequence} ends at ${previous.checkpoint.toPosition}`,
            );
            continue;
          }
        }
        entry.valid = true;
        checkpointsVerified += 1;
        continue;
      }
      if (value.kind !== 'event')
        throw new Malformed(`unknown line kind ${JSON.stringify(value.kind)}`);

      seenEvent = true;
      const { event, proof } = parseEventLine(value);
      const listed = tally ? tally.event(event, line) : true;
      const streamLast = lastOfStream.get(event.streamId);
      const where = `event ${event.id} (${event.streamId}@${event.revision}, position ${event.globalPosition})`;
      const record = (ok: boolean) => {
        if (!streamLast || event.revision > streamLast.event.revision)
          lastOfStream.set(event.streamId, { event, ok });
      };

      if (event.globalPosition <= previousPosition) {
        fail(line, 'order', `${where} does not come after position ${previousPosition}`);
        record(false);
        continue;
      }
      previousPosition = event.globalPosition;

      const recomputed = eventHash(event, event.prevHash);
      if (recomputed !== event.hash) {
        fail(
          line,
          'event_hash',
          `${where}: its content and prevHash hash to ${recomputed}, not to the stated hash ${event.hash}`,
        );
        record(false);
        continue;
      }

      if (event.revision === 0 && event.prevHash !== GENESIS_HASH) {
        fail(line, 'chain_break', `${where}: revision 0 must follow GENESIS`);
        record(false);
        continue;
      }
      if (streamLast) {
        if (event.revision <= streamLast.event.revision) {
          fail(
            line,
            'order',
            `${where} comes after revision ${streamLast.event.revision} of its stream`,
          );
          record(false);
          continue;
        }
        if (
          event.revision === streamLast.event.revision + 1 &&
          streamLast.ok &&
          event.prevHash !== streamLast.event.hash
        ) {
          fail(
            line,
            'chain_break',
            `${where}: prevHash ${event.prevHash} is not the hash of revision ${streamLast.event.revision} (${streamLast.event.hash})`,
          );
          record(false);
          continue;
        }
      }

      if (!listed) {
        fail(
          line,
          'unlisted',
          `${where} is not among the events the signed header lists (the line was added or edited)`,
        );
        record(false);
        continue;
      }
      const outside = outsideSelection(event, header?.selection);
      if (outside) {
        fail(line, 'selection', `${where} does not match the signed selection: ${outside}`);
        record(false);
        continue;
      }

      if (proof === null) {
        const covering = [...checkpoints.values()].find(
          (c) =>
            c.checkpoint.fromPosition < event.globalPosition &&
            event.globalPosition <= c.checkpoint.toPosition,
        );
        if (covering) {
          fail(
            line,
            'missing_proof',
            `${where} lies in the range of checkpoint ${covering.checkpoint.sequence} (line ${covering.line}) but carries no inclusion proof`,
          );
          record(false);
          continue;
        }
        unsealedEvents += 1;
        record(true);
        continue;
      }

      const entry = checkpoints.get(proof.checkpointSequence);
      if (!entry) {
        fail(
          line,
          'missing_checkpoint',
          `${where}: its proof refers to checkpoint ${proof.checkpointSequence}, which is not in the bundle`,
        );
        record(false);
        continue;
      }
      if (!entry.valid) {
        // The checkpoint's own line already failed; this event cannot be proven, nor is it blamed.
        record(false);
        continue;
      }
      const c = entry.checkpoint;
      if (event.globalPosition <= c.fromPosition || event.globalPosition > c.toPosition) {
        fail(
          line,
          'position',
          `${where} is outside the range (${c.fromPosition}, ${c.toPosition}] of checkpoint ${c.sequence}`,
        );
        record(false);
        continue;
      }
      if (proof.treeSize !== c.eventCount) {
        fail(
          line,
          'inclusion_proof',
          `${where}: proof tree size ${proof.treeSize} is not checkpoint ${c.sequence}'s event count ${c.eventCount}`,
        );
        record(false);
        continue;
      }
      if (!verifyInclusion(event.hash, proof, c.merkleRoot)) {
        fail(
          line,
          'inclusion_proof',
          `${where}: the inclusion proof does not lead to checkpoint ${c.sequence}'s Merkle root`,
        );
        record(false);
        continue;
      }
      // Positions are not in the leaves: at least they must agree with the leaf index.
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
      ) {
        fail(
          line,
          'position',
          `${where}: position ${event.globalPosition} cannot be leaf ${proof.leafIndex} of checkpoint ${c.sequence}`,
        );
        record(false);
        continue;
      }
      entry.lastLeafIndex = proof.leafIndex;
      eventsVerified += 1;
      record(true);
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      fail(line, 'malformed', error.message);
    }
  }

  if (tally) {
    for (const { kind, message } of tally.missing()) fail(1, kind, message);
    // Positions and hashes as signed: the only check on an unsealed event's place and content.
    if (failures.length === 0 && !tally.digestMatches())
      fail(
        1,
        'events_digest',
        "the events' positions or hashes are not those the signed header lists (an event was replaced or moved)",
      );
  }

  failures.sort((a, b) => a.line - b.line);
  return {
    ok: failures.length === 0,
    ...(verifyingKeyId ? { keyId: verifyingKeyId } : {}),
    eventsVerified,
    unsealedEvents,
    checkpointsVerified,
    failures,
  };
}

/** Why an event cannot belong to a selection by stream or type (fields its hash covers). */
function outsideSelection(
  event: BundledEvent,
  selection: Record<string, unknown> | undefined,
): string | undefined {
  if (typeof selection?.stream === 'string' && event.streamId !== selection.stream)
    return `its stream is not ${selection.stream}`;
  if (typeof selection?.type === 'string' && event.type !== selection.type)
    return `its type is not ${selection.type}`;
  return undefined;
}

/** The CLI's output for a verification: the lines to print and the exit code. */
export function formatBundleVerification(result: BundleVerification): {
  exitCode: 0 | 1;
  lines: string[];
} {
  if (result.ok) {
    const lines = [
      `PASS: ${result.eventsVerified} events verified against ${result.checkpointsVerified} signed checkpoints (key ${result.keyId ?? 'unknown'})`,
    ];
    if (result.unsealedEvents > 0) {
      lines.push(
        `note: ${result.unsealedEvents} more events are not sealed by a checkpoint yet (hash-consistent, not signed)`,
      );
    }
    return { exitCode: 0, lines };
  }
  return {
    exitCode: 1,
    lines: ['FAIL:', ...result.failures.map((f) => `line ${f.line}: ${f.kind}: ${f.message}`)],
  };
}
