import { createHash, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { keyIdOf, KeyInput, parsePublicKey, publicKeyPem } from './checkpoint';

export const BUNDLE_FORMAT = 'policloud-audit-bundle/2';

/** Formats the verifier refuses, and why: verifying them would pass a bundle with lines deleted. */
export const SUPERSEDED_BUNDLE_FORMATS: Readonly<Record<string, string>> = {
  'policloud-audit-bundle/1':
    'its header does not sign which events it holds, so a deleted event cannot be detected; export the bundle again',
};

/** Domain separation: a header signature can never pass for a checkpoint's, nor the reverse. */
const SIGNING_CONTEXT = `${BUNDLE_FORMAT}\n`;

/** Inclusive revisions [first, last] of one stream, all of them in the bundle. */
export type RevisionRun = [number, number];

/**
 * What the exporter signs: the selection, and exactly which checkpoints and events answer it.
 * With it, the verifier tells a filtered export (fewer events, all listed) from a truncated one.
 */
export interface BundleContents {
  /** The filter, as the exporter applied it. */
  selection: Record<string, unknown>;
  /** The selection was applied to the log up to this global position. */
  throughPosition: number;
  /** Sequences of the checkpoint lines, ascending. */
  checkpoints: number[];
  eventCount: number;
  /** Per stream, in order of first appearance, the runs of revisions exported. */
  streams: [string, RevisionRun[]][];
  /** SHA-256 (hex) of "<globalPosition> <hash>\n" for every event line, in order. */
  eventsDigest: string;
}

export interface BundleHeader extends BundleContents {
  kind: 'header';
  format: typeof BUNDLE_FORMAT;
  publicKey: string;
  keyId: string;
  /** When the exporter wrote it (signed, as the rest of the header). */
  generatedAt: string;
  /** Base64 Ed25519 signature of SIGNING_CONTEXT + the canonical header without it. */
  signature: string;
}

export type UnsignedBundleHeader = Omit<BundleHeader, 'signature'>;

/** The header's fields in the order they are written. */
const HEADER_FIELDS = [
  'kind',
  'format',
  'publicKey',
  'keyId',
  'generatedAt',
  'selection',
  'throughPosition',
  'checkpoints',
  'eventCount',
  'streams',
  'eventsDigest',
  'signature',
] as const;

export class EventsDigest {
  private readonly sha = createHash('sha256');
  add(event: { globalPosition: number; hash: string }): void {
    this.sha.update(`${event.globalPosition} ${event.hash}\n`, 'utf8');
  }
  hex(): string {
    return this.sha.digest('hex');
  }
}

export function bundleContentsOf(input: {
  selection: Record<string, unknown>;
  throughPosition: number;
  checkpoints: readonly { sequence: number }[];
  /** In global order. */
  events: readonly { streamId: string; revision: number; globalPosition: number; hash: string }[];
}): BundleContents {
  const runs = new Map<string, RevisionRun[]>();
  const digest = new EventsDigest();
  for (const event of input.events) {
    digest.add(event);
    const streamRuns = runs.get(event.streamId) ?? [];
    const last = streamRuns[streamRuns.length - 1];
    if (last && event.revision === last[1] + 1) last[1] = event.revision;
    else streamRuns.push([event.revision, event.revision]);
    runs.set(event.streamId, streamRuns);
  }
  return {
    // A JSON round trip: undefined fields are dropped, as the line itself will drop them.
    selection: JSON.parse(JSON.stringify(input.selection)) as Record<string, unknown>,
    throughPosition: input.throughPosition,
    checkpoints: input.checkpoints.map((checkpoint) => checkpoint.sequence),
    eventCount: input.events.length,
    streams: [...runs],
    eventsDigest: digest.hex(),
  };
}

function signingPayload(header: UnsignedBundleHeader): Buffer {
  const unsigned: Record<string, unknown> = {};
  for (const field of HEADER_FIELDS)
    if (field !== 'signature')
      unsigned[field] = (header as unknown as Record<string, unknown>)[field];
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(unsigned), 'utf8');
}

export function signBundleHeader(
  header: UnsignedBundleHeader,
  signingKey: KeyObject,
): BundleHeader {
  const ordered: Record<string, unknown> = {};
  for (const field of HEADER_FIELDS)
    if (field !== 'signature')
      ordered[field] = (header as unknown as Record<string, unknown>)[field];
  ordered.signature = sign(null, signingPayload(header), signingKey).toString('base64');
  return ordered as unknown as BundleHeader;
}

/** True when the signature is a canonical base64 Ed25519 signature of the header. Never throws. */
export function verifyBundleHeaderSignature(header: BundleHeader, publicKey: KeyInput): boolean {
  try {
    const bytes = Buffer.from(header.signature, 'base64');
    if (bytes.length !== 64 || bytes.toString('base64') !== header.signature) return false;
    return verify(null, signingPayload(header), parsePublicKey(publicKey), bytes);
  } catch {
    return false;
  }
}

const HASH_HEX = /^[0-9a-f]{64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown, min = 0): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

/**
 * Checks the header's shape and its key (not yet its signature: the caller decides which key is
 * trusted). Throws an Error whose message says what is wrong.
 */
export function parseBundleHeader(value: Record<string, unknown>): {
  header: BundleHeader;
  key: KeyObject;
} {
  if (value.kind !== 'header')
    throw new Error(`line 1 is a "${String(value.kind)}" line, not the header`);
  const format = String(value.format);
  if (format in SUPERSEDED_BUNDLE_FORMATS)
    throw new Error(
      `format ${format} is no longer verifiable: ${SUPERSEDED_BUNDLE_FORMATS[format]}`,
    );
  if (value.format !== BUNDLE_FORMAT)
    throw new Error(
      `unsupported format ${JSON.stringify(value.format)} (expected ${BUNDLE_FORMAT})`,
    );
  for (const field of HEADER_FIELDS)
    if (!(field in value)) throw new Error(`header: missing "${field}"`);
  for (const field of Object.keys(value))
    if (!(HEADER_FIELDS as readonly string[]).includes(field))
      throw new Error(`header: unexpected field "${field}"`);
  if (typeof value.publicKey !== 'string') throw new Error('header publicKey is not a string');
  let key: KeyObject;
  try {
    key = parsePublicKey(value.publicKey);
  } catch (error) {
    throw new Error(`publicKey is not an Ed25519 PEM public key (${(error as Error).message})`);
  }
  if (publicKeyPem(key) !== value.publicKey)
    throw new Error('publicKey is not in canonical PEM SPKI form');
  if (value.keyId !== keyIdOf(key))
    throw new Error(
      `keyId ${JSON.stringify(value.keyId)} is not the id of the public key (${keyIdOf(key)})`,
    );
  if (typeof value.generatedAt !== 'string') throw new Error('header generatedAt is not a string');
  if (!isObject(value.selection)) throw new Error('header selection is not an object');
  if (!isCount(value.throughPosition))
    throw new Error('header throughPosition is not an integer ≥ 0');
  const checkpoints = value.checkpoints;
  if (
    !Array.isArray(checkpoints) ||
    !checkpoints.every(
      (sequence, i) => isCount(sequence, 1) && (i === 0 || sequence > checkpoints[i - 1]),
    )
  )
    throw new Error('header checkpoints is not an ascending list of checkpoint sequences');
  if (!isCount(value.eventCount)) throw new Error('header eventCount is not an integer ≥ 0');
  const streams = value.streams;
  const seen = new Set<string>();
  let listed = 0;
  const wellFormedRuns = (runs: unknown): boolean =>
    Array.isArray(runs) &&
    runs.length > 0 &&
    runs.every((run: unknown, i) => {
      if (
        !Array.isArray(run) ||
        run.length !== 2 ||
        !isCount(run[0]) ||
        !isCount(run[1]) ||
        run[1] < run[0]
      )
        return false;
      listed += run[1] - run[0] + 1;
      return i === 0 || run[0] > (runs[i - 1] as RevisionRun)[1] + 1;
    });
  if (
    !Array.isArray(streams) ||
    !streams.every(
      (entry: unknown) =>
        Array.isArray(entry) &&
        entry.length === 2 &&
        typeof entry[0] === 'string' &&
        !seen.has(entry[0]) &&
        seen.add(entry[0]) &&
        wellFormedRuns(entry[1]),
    )
  )
    throw new Error('header streams is not a list of [stream, ascending revision runs]');
  if (listed !== value.eventCount)
    throw new Error(
      `header eventCount ${value.eventCount} is not the ${listed} events its streams list`,
    );
  if (typeof value.eventsDigest !== 'string' || !HASH_HEX.test(value.eventsDigest))
    throw new Error('header eventsDigest is not a SHA-256 hex digest');
  if (typeof value.signature !== 'string') throw new Error('header signature is not a string');
  return { header: value as unknown as BundleHeader, key };
}

/** A missing checkpoint, stream or run of events: what the signed header lists and the bundle lacks. */
export interface MissingLine {
  kind: 'missing_checkpoint' | 'missing_stream' | 'missing_event';
  message: string;
}

/**
 * Tallies the lines of a bundle against its signed header: which listed checkpoints and events
 * are present (and on which line), and the digest of the events as they appear.
 */
export class ContentsTally {
  private readonly listed = new Map<string, Set<number>>();
  private readonly seenEvents = new Map<string, Map<number, number>>();
  private readonly seenCheckpoints = new Set<number>();
  private readonly digest = new EventsDigest();

  constructor(private readonly contents: BundleContents) {
    for (const [streamId, runs] of contents.streams) {
      const revisions = new Set<number>();
      for (const [first, last] of runs) for (let r = first; r <= last; r++) revisions.add(r);
      this.listed.set(streamId, revisions);
    }
  }

  /** Records a checkpoint line; false when the header does not list it. */
  checkpoint(sequence: number): boolean {
    this.seenCheckpoints.add(sequence);
    return this.contents.checkpoints.includes(sequence);
  }

  /** Records an event line; false when the header does not list it. */
  event(
    event: { streamId: string; revision: number; globalPosition: number; hash: string },
    line: number,
  ): boolean {
    this.digest.add(event);
    const seen = this.seenEvents.get(event.streamId) ?? new Map<number, number>();
    if (!seen.has(event.revision)) seen.set(event.revision, line);
    this.seenEvents.set(event.streamId, seen);
    return this.listed.get(event.streamId)?.has(event.revision) ?? false;
  }

  /** What the header lists and no line holds: checkpoints, whole streams, runs of events. */
  missing(): MissingLine[] {
    const missing: MissingLine[] = [];
    for (const sequence of this.contents.checkpoints) {
      if (!this.seenCheckpoints.has(sequence))
        missing.push({
          kind: 'missing_checkpoint',
          message: `checkpoint ${sequence} is listed in the signed header but is not in the bundle`,
        });
    }
    for (const [streamId, runs] of this.contents.streams) {
      const seen = this.seenEvents.get(streamId);
      if (!seen) {
        const total = runs.reduce((sum, [first, last]) => sum + last - first + 1, 0);
        missing.push({
          kind: 'missing_stream',
          message: `stream ${streamId}: all ${total} of its events listed in the signed header (revisions ${runs.map(describeRun).join(', ')}) are missing`,
        });
        continue;
      }
      for (const run of this.absentRuns(runs, seen)) {
        const nextLine = [...seen]
          .filter(([revision]) => revision > run[1])
          .map(([, line]) => line);
        const where =
          nextLine.length > 0 ? `before line ${Math.min(...nextLine)}` : 'at the end of its stream';
        missing.push({
          kind: 'missing_event',
          message: `event ${streamId}@${describeRun(run)} is listed in the signed header but missing (${where})`,
        });
      }
    }
    return missing;
  }

  /** True when the events appear with the positions and hashes the header signed. */
  digestMatches(): boolean {
    return this.digest.hex() === this.contents.eventsDigest;
  }

  private absentRuns(
    runs: readonly RevisionRun[],
    seen: ReadonlyMap<number, number>,
  ): RevisionRun[] {
    const absent: RevisionRun[] = [];
    for (const [first, last] of runs) {
      for (let revision = first; revision <= last; revision++) {
        if (seen.has(revision)) continue;
        const open = absent[absent.length - 1];
        if (open && open[1] === revision - 1) open[1] = revision;
        else absent.push([revision, revision]);
      }
    }
    return absent;
  }
}

function describeRun([first, last]: RevisionRun): string {
  return first === last ? String(first) : `${first}–${last}`;
}
