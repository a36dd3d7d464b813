import { KeyInput } from '../checkpoint';
import {
  CheckpointFields,
  checkpointText,
  NOTE_SIGNATURE_COSIGNATURE_V1,
  NOTE_SIGNATURE_ED25519,
  noteSignatureLine,
  NoteVerifier,
  parseCheckpointText,
  parseSignedNote,
  parseVerifierKey,
  SignedNote,
  signedNote,
  verifierKeyText,
  verifyNoteSignature,
} from './signed-note';

/**
 * The platform's checkpoints of the whole-log tree as C2SP signed notes, and their verification
 * with a quorum of witness cosignatures. The platform's note key is named after the origin.
 */

/** The origin line of the platform's checkpoints unless configured otherwise. */
export const DEFAULT_LOG_ORIGIN = 'policloud/audit-log';

/** A checkpoint note signed by the platform's key (key name = origin). */
export function signCheckpointNote(fields: CheckpointFields, privateKey: KeyInput): string {
  const text = checkpointText(fields);
  return signedNote(text, [noteSignatureLine(text, fields.origin, privateKey)]);
}

/** The verifier key text of the platform's checkpoint signatures for `origin`. */
export function logVerifierKey(origin: string, publicKey: KeyInput): string {
  return verifierKeyText(origin, publicKey, NOTE_SIGNATURE_ED25519);
}

/** The verifier key text a witness publishes (cosignature/v1). */
export function witnessVerifierKey(name: string, publicKey: KeyInput): string {
  return verifierKeyText(name, publicKey, NOTE_SIGNATURE_COSIGNATURE_V1);
}

/** Every way a checkpoint note can fail, each named in the reason. */
export type NoteFailureKind =
  | 'note_malformed'
  | 'origin_mismatch'
  | 'log_signature'
  | 'tree_size_mismatch'
  | 'cosignature_unknown_key'
  | 'cosignature_invalid'
  | 'quorum_not_met';

export interface NoteFailure {
  kind: NoteFailureKind;
  message: string;
}

export interface CheckpointNoteOptions {
  /** The platform's verifier key(s): any of them (a rotation chain) may have signed. */
  logKeys: readonly (NoteVerifier | string)[];
  /** The origin the auditor expects; the note's own when absent. */
  origin?: string;
  /** The tree size the note must state (e.g. the checkpoint's treeSize field). */
  treeSize?: number;
  witnesses?: readonly (NoteVerifier | string)[];
  /** Valid cosignatures by distinct known witnesses required (0 by default). */
  quorum?: number;
}

export interface CheckpointNoteVerification {
  ok: boolean;
  fields?: CheckpointFields;
  /** Names of the witnesses whose cosignature verified. */
  cosignedBy: string[];
  failures: NoteFailure[];
}

const asVerifier = (key: NoteVerifier | string): NoteVerifier =>
  typeof key === 'string' ? parseVerifierKey(key) : key;

/**
 * Verifies a checkpoint note: its three lines, its origin, the platform's signature, then each
 * other signature line as a witness cosignature, then the quorum. Never throws.
 */
export function verifyCheckpointNote(
  note: string,
  options: CheckpointNoteOptions,
): CheckpointNoteVerification {
  const failures: NoteFailure[] = [];
  const fail = (kind: NoteFailureKind, message: string) => {
    failures.push({ kind, message });
    return { ok: false, cosignedBy: [], failures };
  };
  let parsed: SignedNote;
  let fields: CheckpointFields;
  try {
    parsed = parseSignedNote(note);
    fields = parseCheckpointText(parsed.text);
  } catch (error) {
    return fail('note_malformed', `the checkpoint note is malformed: ${(error as Error).message}`);
  }
  if (options.origin !== undefined && fields.origin !== options.origin) {
    return fail(
      'origin_mismatch',
      `the checkpoint is signed over origin "${fields.origin}", not the log's origin "${options.origin}"`,
    );
  }
  if (options.treeSize !== undefined && fields.treeSize !== options.treeSize) {
    failures.push({
      kind: 'tree_size_mismatch',
      message: `the note states tree size ${fields.treeSize}, the checkpoint ${options.treeSize}`,
    });
  }
  let logKeys: NoteVerifier[];
  let witnesses: NoteVerifier[];
  try {
    logKeys = options.logKeys.map(asVerifier);
    witnesses = (options.witnesses ?? []).map(asVerifier);
  } catch (error) {
    return fail('note_malformed', `a verifier key is malformed: ${(error as Error).message}`);
  }
  const logSignature = parsed.signatures.findIndex((signature) =>
    logKeys.some(
      (key) => key.name === fields.origin && verifyNoteSignature(parsed.text, signature, key),
    ),
  );
  if (logSignature < 0) {
    const named = parsed.signatures.some((s) => logKeys.some((k) => k.keyId === s.keyId));
    failures.push({
      kind:
        named && logKeys.every((k) => k.name !== fields.origin)
          ? 'origin_mismatch'
          : 'log_signature',
      message:
        named && logKeys.every((k) => k.name !== fields.origin)
          ? `the log key is named "${logKeys[0]?.name}" but the note's origin is "${fields.origin}"`
          : `no signature on the checkpoint of tree size ${fields.treeSize} verifies with the log's key (origin "${fields.origin}")`,
    });
  }
  const cosignedBy = new Set<string>();
  parsed.signatures.forEach((signature, index) => {
    if (index === logSignature) return;
    const witness = witnesses.find((w) => w.name === signature.name && w.keyId === signature.keyId);
    if (!witness) {
      if (logKeys.some((k) => k.keyId === signature.keyId)) return;
      failures.push({
        kind: 'cosignature_unknown_key',
        message: `the cosignature by "${signature.name}" (key id ${signature.keyId}) is by a key no trusted witness holds`,
      });
      return;
    }
    if (!verifyNoteSignature(parsed.text, signature, witness)) {
      failures.push({
        kind: 'cosignature_invalid',
        message: `the cosignature by witness "${witness.name}" does not verify over this checkpoint`,
      });
      return;
    }
    cosignedBy.add(witness.name);
  });
  const quorum = options.quorum ?? 0;
  if (cosignedBy.size < quorum) {
    failures.push({
      kind: 'quorum_not_met',
      message: `${cosignedBy.size} valid cosignature(s) by trusted witnesses, the quorum is ${quorum}`,
    });
  }
  // An unknown cosigner is reported, but it only fails the note when the quorum needs it.
  const fatal = failures.filter(
    (f) => f.kind !== 'cosignature_unknown_key' || cosignedBy.size < quorum,
  );
  return { ok: fatal.length === 0, fields, cosignedBy: [...cosignedBy], failures };
}
