import {
  energyCertificateStreamId,
  matchingRunStreamId,
  allocationRecordsOfStored,
  type EnergyCertificate,
  type SealedCheckpoint,
  type UsageReported,
} from '@policloud/domain';
import { canonicalJson } from '../canonical-json';
import { keyIdOf, KeyInput, parsePublicKey, verifyCheckpointSignature } from '../checkpoint';
import { eventHash } from '../event-hash';
import { followKeyChain } from '../key-rotation';
import { DEFAULT_LOG_ORIGIN, logVerifierKey, verifyCheckpointNote } from '../log-tree';
import { verifyInclusion } from '../merkle';
import {
  BundleCheckpoint,
  CertificateEvidenceEvent,
  CERTIFICATE_BUNDLE_FORMAT,
  CERTIFICATE_BUNDLE_FORMAT_V1,
  CertificateBundle,
  CertificateBundleV1,
  CertificateView,
} from './certificate-bundle';

export interface CertificateCheck {
  /** `bundle`, `checkpoint <n>`, `event <id>` or `certificate <id>`. */
  subject: string;
  ok: boolean;
  /** Why it failed, naming the field or proof. */
  reason?: string;
}

export interface CertificateBundleVerification {
  ok: boolean;
  checks: CertificateCheck[];
}

export interface CertificateVerificationOptions {
  /** The platform's checkpoint key the auditor trusts; rotations are followed from it. */
  trustedPublicKey: KeyInput;
  /** The origin of the platform's checkpoints (DEFAULT_LOG_ORIGIN unless configured otherwise). */
  origin?: string;
  /** C2SP verifier keys of the witnesses the auditor trusts. */
  witnesses?: readonly string[];
  /** Valid cosignatures by distinct trusted witnesses the checkpoint needs (0 by default). */
  quorum?: number;
}

/**
 * Verifies a certificate bundle offline: the checkpoint note's signature by the trusted key (or a
 * key it rotated to) and, with a quorum, its witnesses' cosignatures; each event's hash and its
 * inclusion proof into the note's root; and each certificate against the events it derives from
 * (its issue, its claim, the allocation matching recorded and the metered usage). v1 bundles
 * (range checkpoints) still verify as they did. Never throws on a malformed bundle.
 */
export function verifyCertificateBundle(
  bundle: unknown,
  options: CertificateVerificationOptions,
): CertificateBundleVerification {
  const checks: CertificateCheck[] = [];
  const shape = bundleShapeProblem(bundle);
  if (shape) return { ok: false, checks: [{ subject: 'bundle', ok: false, reason: shape }] };
  let key: KeyInput;
  try {
    key = parsePublicKey(options.trustedPublicKey);
  } catch (error) {
    const reason = `public key: ${(error as Error).message}`;
    return { ok: false, checks: [{ subject: 'bundle', ok: false, reason }] };
  }
  checks.push({ subject: 'bundle', ok: true });
  const v1 = (bundle as { format: string }).format === CERTIFICATE_BUNDLE_FORMAT_V1;
  const provenEvents = v1
    ? verifyRangeProofs(bundle as CertificateBundleV1, key, checks)
    : verifyTreeProofs(bundle as CertificateBundle, key, options, checks);
  const typed = bundle as CertificateBundle | CertificateBundleV1;
  if (v1 && (options.quorum ?? 0) > 0) {
    checks.push({
      subject: 'bundle',
      ok: false,
      reason: `quorum: a v1 bundle's range checkpoints predate witnesses (quorum ${options.quorum})`,
    });
  }

  // No allocation hour of one offer's energy is certified twice.
  const certifiedHours = new Map<string, string>();
  for (const certificate of typed.certificates) {
    const hour = `${certificate.evidence?.allocationId}|${certificate.offerId}`;
    const twice = certifiedHours.get(hour);
    certifiedHours.set(hour, certificate.certificateId);
    const reason = twice
      ? `certified twice: ${twice} covers the same allocation hour of offer ${certificate.offerId}`
      : certificateProblem(certificate, typed.events, provenEvents);
    checks.push({
      subject: `certificate ${certificate.certificateId}`,
      ok: reason === undefined,
      ...(reason ? { reason } : {}),
    });
  }
  return { ok: checks.every((check) => check.ok), checks };
}

/** v2: the checkpoint note, then each event's hash and its proof into the note's tree. */
function verifyTreeProofs(
  bundle: CertificateBundle,
  key: KeyInput,
  options: CertificateVerificationOptions,
  checks: CertificateCheck[],
): Set<string> {
  const root = bundle.checkpoint ? checkpointRoot(bundle, key, options, checks) : undefined;
  const proven = new Set<string>();
  for (const event of bundle.events) {
    const reason = treeEventProblem(event, bundle, root);
    checks.push({
      subject: `event ${event.id}`,
      ok: reason === undefined,
      ...(reason ? { reason } : {}),
    });
    if (!reason) proven.add(event.id);
  }
  return proven;
}

/** The verified root and size of the bundle's checkpoint, or undefined (with a failed check). */
function checkpointRoot(
  bundle: CertificateBundle,
  key: KeyInput,
  options: CertificateVerificationOptions,
  checks: CertificateCheck[],
): { treeSize: number; rootHash: string } | undefined {
  const checkpoint = bundle.checkpoint as BundleCheckpoint;
  const subject = `checkpoint ${checkpoint.sequence}`;
  if (typeof checkpoint.note !== 'string' || !Array.isArray(checkpoint.cosignatures)) {
    checks.push({ subject, ok: false, reason: 'note_malformed: no note or cosignature list' });
    return undefined;
  }
  const origin = options.origin ?? DEFAULT_LOG_ORIGIN;
  const chain = followKeyChain(key, Array.isArray(bundle.keyRotations) ? bundle.keyRotations : []);
  const verification = verifyCheckpointNote(checkpoint.note + checkpoint.cosignatures.join(''), {
    logKeys: [...chain.keys.values()].map((chainKey) => logVerifierKey(origin, chainKey)),
    origin,
    treeSize: checkpoint.treeSize,
    witnesses: options.witnesses ?? [],
    quorum: options.quorum ?? 0,
  });
  if (!verification.ok || !verification.fields) {
    const failures = verification.failures.map((failure) => `${failure.kind}: ${failure.message}`);
    if (verification.failures.some((failure) => failure.kind === 'log_signature')) {
      failures.push(...chain.problems.map((problem) => `key_rotation: ${problem}`));
    }
    checks.push({ subject, ok: false, reason: failures.join('; ') });
    return undefined;
  }
  checks.push({ subject, ok: true });
  return verification.fields;
}

/** The proof `bundle` lists for the event, or why none can count: bad hash, unsealed, missing. */
function listedInclusion<Inclusion extends { eventId: string }>(
  event: CertificateEvidenceEvent,
  bundle: { unsealed: readonly string[]; proofs: readonly Inclusion[] },
): { inclusion: Inclusion } | { problem: string } {
  const hashProblem = eventHashProblem(event);
  if (hashProblem) return { problem: hashProblem };
  if (bundle.unsealed.includes(event.id)) {
    return { problem: 'unsealed: no checkpoint covers it yet' };
  }
  const inclusion = bundle.proofs.find((proof) => proof.eventId === event.id);
  return inclusion ? { inclusion } : { problem: 'inclusion_proof: none in the bundle' };
}

function treeEventProblem(
  event: CertificateEvidenceEvent,
  bundle: CertificateBundle,
  root: { treeSize: number; rootHash: string } | undefined,
): string | undefined {
  const listed = listedInclusion(event, bundle);
  if ('problem' in listed) return listed.problem;
  const { inclusion } = listed;
  if (!root) return 'inclusion_proof: the checkpoint is missing or does not verify';
  const proof = inclusion.proof;
  if (proof?.treeSize !== root.treeSize) {
    return `inclusion_tree_size: the proof is for tree size ${proof?.treeSize}, the checkpoint's is ${root.treeSize}`;
  }
  if (proof.leafIndex !== inclusion.leafIndex) {
    return `inclusion_proof: the proof is of leaf ${proof.leafIndex}, the event's leaf is ${inclusion.leafIndex}`;
  }
  if (!verifyInclusion(event.hash, proof, root.rootHash)) {
    return `inclusion_proof: the path from leaf ${inclusion.leafIndex} does not lead to the root of tree size ${root.treeSize}`;
  }
  return undefined;
}

/** v1: each range checkpoint's signature, then each event's hash and its proof into one. */
function verifyRangeProofs(
  typed: CertificateBundleV1,
  key: KeyInput,
  checks: CertificateCheck[],
): Set<string> {
  const validCheckpoints = new Map<number, SealedCheckpoint>();
  const keyId = keyIdOf(key);
  for (const checkpoint of typed.checkpoints) {
    const subject = `checkpoint ${checkpoint.sequence}`;
    if (checkpoint.keyId !== keyId) {
      checks.push({
        subject,
        ok: false,
        reason: `signed by key ${checkpoint.keyId}, not the trusted ${keyId}`,
      });
    } else if (!verifyCheckpointSignature(checkpoint, key)) {
      checks.push({ subject, ok: false, reason: 'signature does not verify' });
    } else {
      validCheckpoints.set(checkpoint.sequence, checkpoint);
      checks.push({ subject, ok: true });
    }
  }

  const provenEvents = new Set<string>();
  for (const event of typed.events) {
    const reason = rangeEventProblem(event, typed, validCheckpoints);
    if (reason) checks.push({ subject: `event ${event.id}`, ok: false, reason });
    else {
      provenEvents.add(event.id);
      checks.push({ subject: `event ${event.id}`, ok: true });
    }
  }

  return provenEvents;
}

function bundleShapeProblem(bundle: unknown): string | undefined {
  if (typeof bundle !== 'object' || bundle === null) return 'not a JSON object';
  const value = bundle as Record<string, unknown>;
  const v1 = value.format === CERTIFICATE_BUNDLE_FORMAT_V1;
  if (!v1 && value.format !== CERTIFICATE_BUNDLE_FORMAT) {
    return `format is ${JSON.stringify(value.format)}, not ${CERTIFICATE_BUNDLE_FORMAT} (nor ${CERTIFICATE_BUNDLE_FORMAT_V1})`;
  }
  if (!v1 && typeof value.checkpoint !== 'object') return 'checkpoint is not an object or null';
  const lists = [
    'certificates',
    'events',
    'proofs',
    'unsealed',
    v1 ? 'checkpoints' : 'keyRotations',
  ];
  for (const field of lists) {
    if (!Array.isArray(value[field])) return `${field} is not a list`;
  }
  return undefined;
}

function eventHashProblem(event: CertificateEvidenceEvent): string | undefined {
  let recomputed: string;
  try {
    recomputed = eventHash(event, event.prevHash);
  } catch (error) {
    return `event_hash: cannot hash the event (${(error as Error).message})`;
  }
  if (recomputed !== event.hash) return 'event_hash: its content does not hash to its hash';
  return undefined;
}

function rangeEventProblem(
  event: CertificateEvidenceEvent,
  bundle: CertificateBundleV1,
  checkpoints: ReadonlyMap<number, SealedCheckpoint>,
): string | undefined {
  const listed = listedInclusion(event, bundle);
  if ('problem' in listed) return listed.problem;
  const { inclusion } = listed;
  const checkpoint = checkpoints.get(inclusion.checkpointSequence);
  if (!checkpoint) {
    return `inclusion_proof: checkpoint ${inclusion.checkpointSequence} is missing or does not verify`;
  }
  if (
    event.globalPosition <= checkpoint.fromPosition ||
    event.globalPosition > checkpoint.toPosition
  ) {
    return `inclusion_proof: position ${event.globalPosition} is outside checkpoint ${checkpoint.sequence}`;
  }
  if (inclusion.proof?.treeSize !== checkpoint.eventCount) {
    return `inclusion_proof: tree size ${inclusion.proof?.treeSize} is not the checkpoint's ${checkpoint.eventCount}`;
  }
  if (!verifyInclusion(event.hash, inclusion.proof, checkpoint.merkleRoot)) {
    return `inclusion_proof: the path does not lead to checkpoint ${checkpoint.sequence}'s root`;
  }
  return undefined;
}

/** The certificate's own fields, as its issue event carries them. */
function issuedFields(certificate: CertificateView): EnergyCertificate {
  const { status: _status, claimedAt: _claimedAt, ...fields } = certificate;
  return fields;
}

function certificateProblem(
  certificate: CertificateView,
  events: readonly CertificateEvidenceEvent[],
  proven: ReadonlySet<string>,
): string | undefined {
  const find = (predicate: (event: CertificateEvidenceEvent) => boolean) => events.find(predicate);
  const data = (event: CertificateEvidenceEvent) => event.data as Record<string, unknown>;
  const certificateEvent = (type: string) =>
    find((event) => event.type === type && data(event).certificateId === certificate.certificateId);

  const issued = certificateEvent('EnergyCertificateIssued');
  if (!issued) return 'issue: no EnergyCertificateIssued event in the bundle';
  if (!proven.has(issued.id)) return `issue: event ${issued.id} is not proven`;
  if (issued.streamId !== energyCertificateStreamId(certificate.offerId, certificate.slot)) {
    return `issue: event ${issued.id} is in stream ${issued.streamId}, not the certificate's offer-hour`;
  }
  if (canonicalJson(issued.data) !== canonicalJson(issuedFields(certificate))) {
    return `issue: the certificate differs from what event ${issued.id} issued`;
  }

  if (certificate.status === 'claimed') {
    const claimed = certificateEvent('EnergyCertificateClaimed');
    if (!claimed) return 'claim: no EnergyCertificateClaimed event in the bundle';
    if (!proven.has(claimed.id)) return `claim: event ${claimed.id} is not proven`;
    if (data(claimed).beneficiaryId !== certificate.beneficiaryId) {
      return `claim: event ${claimed.id} names another beneficiary`;
    }
  }

  const { evidence } = certificate;
  const recordOf = (event: CertificateEvidenceEvent) =>
    event.streamId === matchingRunStreamId(evidence.runId)
      ? allocationRecordsOfStored(event).find(
          (record) => record.allocationId === evidence.allocationId,
        )
      : undefined;
  const made = find((event) => recordOf(event) !== undefined);
  if (!made) return `allocation: no AllocationMade of ${evidence.allocationId} in the bundle`;
  if (!proven.has(made.id)) return `allocation: event ${made.id} is not proven`;
  const allocation = recordOf(made)!;
  const energy = allocation.energy.find((entry) => entry.offerId === certificate.offerId);
  const allocationMismatch = firstMismatch([
    ['siteId', allocation.siteId, certificate.siteId],
    ['slot', allocation.slot, certificate.slot],
    ['beneficiaryId', allocation.buyerId, certificate.beneficiaryId],
    ['orderId', allocation.orderId, certificate.orderId],
    ['country', allocation.site.country, certificate.country],
    ['gpuModel', allocation.site.gpuModel, certificate.gpuModel],
    ['offerId', energy?.offerId, certificate.offerId],
    ['producerId', energy?.producerId, certificate.producerId],
    ['energySource', energy?.source, certificate.energySource],
    ['emissionFactorGPerKwh', energy?.carbonGPerKwh, certificate.emissionFactorGPerKwh],
  ]);
  if (allocationMismatch) return `allocation: ${allocationMismatch} differs from event ${made.id}`;
  if (energy && certificate.wh > energy.wh) {
    return `allocation: wh ${certificate.wh} exceeds the ${energy.wh} Wh allocated from the offer`;
  }

  const usage = find(
    (event) =>
      event.streamId === evidence.usageStreamId && event.revision === evidence.usageRevision,
  );
  if (!usage)
    return `usage: no event ${evidence.usageStreamId}@${evidence.usageRevision} in the bundle`;
  if (!proven.has(usage.id)) return `usage: event ${usage.id} is not proven`;
  if (usage.type !== 'UsageReported' && usage.type !== 'UsageAmended') {
    return `usage: event ${usage.id} is a ${usage.type}, not a usage report`;
  }
  const figures = usage.data as UsageReported['data'];
  const usageMismatch = firstMismatch([
    ['allocationId', figures.allocationId, evidence.allocationId],
    ['gpuHours', figures.gpuHoursDelivered, certificate.gpuHours],
  ]);
  if (usageMismatch) return `usage: ${usageMismatch} differs from event ${usage.id}`;
  if (certificate.wh > figures.whConsumed) {
    return `usage: wh ${certificate.wh} exceeds the ${figures.whConsumed} Wh metered in event ${usage.id}`;
  }
  return undefined;
}

function firstMismatch(pairs: [string, unknown, unknown][]): string | undefined {
  const found = pairs.find(([, expected, actual]) => expected !== actual);
  return found?.[0];
}

/** One line per check (`PASS subject` / `FAIL subject: reason`), then the verdict; exit 0 or 1. */
export function formatCertificateVerification(result: CertificateBundleVerification): {
  exitCode: number;
  lines: string[];
} {
  const lines = result.checks.map((check) =>
    check.ok ? `PASS ${check.subject}` : `FAIL ${check.subject}: ${check.reason}`,
  );
  const failed = result.checks.filter((check) => !check.ok).length;
  lines.push(
    result.ok
      ? `OK: ${result.checks.length} checks passed`
      : `FAILED: ${failed} of ${result.checks.length} checks failed`,
  );
  return { exitCode: result.ok ? 0 : 1, lines };
}
