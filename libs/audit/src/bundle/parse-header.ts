import { KeyObject } from 'node:crypto';
import { keyIdOf, parsePublicKey, publicKeyPem } from '../checkpoint';
import {
  BUNDLE_FORMAT,
  BundleHeader,
  HEADER_FIELDS,
  OPTIONAL_HEADER_FIELDS,
  SUPERSEDED_BUNDLE_FORMATS,
} from './header';
import { RevisionRun } from './header-contents';
import { HASH_HEX, isObject } from './line-fields';

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
  checkFormat(value);
  for (const field of HEADER_FIELDS)
    if (!(field in value) && !OPTIONAL_HEADER_FIELDS.includes(field))
      throw new Error(`header: missing "${field}"`);
  if (
    'keyRotations' in value &&
    (!Array.isArray(value.keyRotations) || !value.keyRotations.every(isObject))
  )
    throw new Error('header keyRotations is not a list of key rotations');
  for (const field of Object.keys(value))
    if (!(HEADER_FIELDS as readonly string[]).includes(field))
      throw new Error(`header: unexpected field "${field}"`);
  const key = headerKey(value);
  checkContents(value);
  if (typeof value.signature !== 'string') throw new Error('header signature is not a string');
  return { header: value as unknown as BundleHeader, key };
}

function checkFormat(value: Record<string, unknown>): void {
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
}

/** The header's public key, in canonical PEM form and matching its keyId. */
function headerKey(value: Record<string, unknown>): KeyObject {
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
  return key;
}

/** The signed description of the contents: selection, checkpoints, streams and digest. */
function checkContents(value: Record<string, unknown>): void {
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
  const listed = listedEventCount(value.streams);
  if (listed === undefined)
    throw new Error('header streams is not a list of [stream, ascending revision runs]');
  if (listed !== value.eventCount)
    throw new Error(
      `header eventCount ${value.eventCount} is not the ${listed} events its streams list`,
    );
  if (typeof value.eventsDigest !== 'string' || !HASH_HEX.test(value.eventsDigest))
    throw new Error('header eventsDigest is not a SHA-256 hex digest');
}

/**
 * How many events `streams` lists, when it is a list of [stream, runs] with each stream once and
 * its runs ascending, non-empty and not adjacent; undefined otherwise.
 */
function listedEventCount(streams: unknown): number | undefined {
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
  const wellFormed =
    Array.isArray(streams) &&
    streams.every(
      (entry: unknown) =>
        Array.isArray(entry) &&
        entry.length === 2 &&
        typeof entry[0] === 'string' &&
        !seen.has(entry[0]) &&
        seen.add(entry[0]) &&
        wellFormedRuns(entry[1]),
    );
  return wellFormed ? listed : undefined;
}
