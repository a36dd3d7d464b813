import {
  allocationUsageDecider,
  energyCertificateDecider,
  energyCertificateStreamId,
  matchingRunStreamId,
} from '@policloud/domain';
import {
  allocationMade,
  allocationRecord,
  reportUsage,
  usageContext,
} from '../../../domain/src/testing/examples';
import { generateSigningKey, keyIdOf, publicKeyOf, sealCheckpoint } from '../checkpoint';
import { chainHashes, GENESIS_HASH } from '../event-hash';
import { KeyRotation, rotateSigningKey } from '../key-rotation';
import {
  checkpointText,
  cosignatureLine,
  DEFAULT_LOG_ORIGIN,
  MemoryLogTree,
  signCheckpointNote,
  witnessVerifierKey,
} from '../log-tree';
import { MerkleTree } from '../merkle';
import {
  buildCertificateBundle,
  CERTIFICATE_BUNDLE_FORMAT_V1,
  CertificateBundle,
  CertificateBundleV1,
  CertificateEvidenceEvent,
} from './certificate-bundle';
import { verifyCertificateBundle } from './verify-certificate-bundle';

const signingKey = generateSigningKey();
const publicKey = publicKeyOf(signingKey);
const witnessKey = generateSigningKey();
const WITNESS = 'witness.example/w1';
const witness = witnessVerifierKey(WITNESS, publicKeyOf(witnessKey));

/** A log of five events (an allocation, its usage, a filler, the certificate, its claim) and a sixth not yet sealed. */
function sealedLog() {
  const allocation = allocationRecord();
  const [usage] = allocationUsageDecider.decide(
    reportUsage(),
    allocationUsageDecider.initialState(),
    usageContext(allocation),
  );
  const certificateEvents = energyCertificateDecider.decide(
    {
      type: 'CertifyUsage',
      data: {
        allocation,
        offerId: 'offer-1',
        meteredWh: usage.data.whConsumed,
        gpuHours: usage.data.gpuHoursDelivered,
        biddingZone: 'FR',
        evidence: {
          runId: allocation.runId,
          allocationId: allocation.allocationId,
          usageStreamId: 'usage-alloc-1',
          usageRevision: 0,
        },
        recordedAt: reportUsage().data.reportedAt,
      },
    },
    energyCertificateDecider.initialState(),
    { deliverableWh: 100_000 },
  );
  const issued = certificateEvents[0];
  const claimed = {
    type: 'EnergyCertificateClaimed',
    schemaVersion: 1,
    data: {
      certificateId: (issued.data as { certificateId: string }).certificateId,
      offerId: 'offer-1',
      slot: allocation.slot,
      beneficiaryId: allocation.buyerId,
      claimedAt: '2026-03-05T09:00:00.000Z',
    },
  };
  const streams: [string, { type: string; schemaVersion: number; data: unknown }[]][] = [
    [matchingRunStreamId(allocation.runId), [allocationMade()]],
    ['usage-alloc-1', [usage]],
    ['site-filler', [{ type: 'Filler', schemaVersion: 1, data: { n: 1 } }]],
    [energyCertificateStreamId('offer-1', allocation.slot), [issued, claimed]],
  ];
  const events: CertificateEvidenceEvent[] = [];
  for (const [streamId, contents] of streams) {
    const withIds = contents.map((event, index) => ({
      ...event,
      id: `${streamId}#${index}`,
      metadata: { actor: 'spec' },
    }));
    const hashes = chainHashes(streamId, withIds, 0, GENESIS_HASH);
    withIds.forEach((event, revision) =>
      events.push({
        ...event,
        streamId,
        revision,
        globalPosition: events.length + 1,
        hash: hashes[revision],
        prevHash: revision === 0 ? GENESIS_HASH : hashes[revision - 1],
      }),
    );
  }
  const certificates = [
    {
      ...(issued.data as CertificateBundleCertificate),
      status: 'claimed' as const,
      claimedAt: claimed.data.claimedAt,
    },
  ];
  return { allocation, events, certificates };
}

const BUNDLE_HEAD = {
  generatedAt: '2026-03-06T00:00:01.000Z',
  from: '2026-03-01T00:00:00Z',
  to: '2026-04-01T00:00:00Z',
};

/**
 * A v2 bundle: the five events in the one log tree, its checkpoint note of tree size 5 signed by
 * `noteKey` over `origin` and cosigned by the witness; `rotations` lead to `noteKey`.
 */
function sealedBundle(
  options: { noteKey?: string; origin?: string; rotations?: KeyRotation[] } = {},
): CertificateBundle {
  const { allocation, events, certificates } = sealedLog();
  const tree = new MemoryLogTree(events.map((event) => event.hash));
  const fields = {
    origin: options.origin ?? DEFAULT_LOG_ORIGIN,
    treeSize: tree.size,
    rootHash: tree.root(),
  };
  const note = signCheckpointNote(fields, options.noteKey ?? signingKey);
  const cosignature = cosignatureLine(checkpointText(fields), WITNESS, witnessKey, 1_772_755_200);
  const evidence = events.filter((event) => event.type !== 'Filler');
  return buildCertificateBundle({
    ...BUNDLE_HEAD,
    beneficiaryId: allocation.buyerId,
    certificates,
    events: evidence,
    proofs: evidence.map((event) => ({
      eventId: event.id,
      leafIndex: event.globalPosition - 1,
      proof: tree.inclusionProof(event.globalPosition - 1),
    })),
    checkpoint: {
      sequence: 3,
      treeSize: tree.size,
      keyId: keyIdOf(publicKeyOf(options.noteKey ?? signingKey)),
      note,
      cosignatures: [cosignature],
    },
    keyRotations: options.rotations ?? [],
    unsealed: [],
  });
}

/** A v1 bundle as exported before the one tree: proofs into a range checkpoint. */
function rangeBundle(): CertificateBundleV1 {
  const { allocation, events, certificates } = sealedLog();
  const checkpoint = sealCheckpoint(
    { fromPosition: 0, events, sealedAt: '2026-03-06T00:00:00.000Z' },
    signingKey,
  );
  const tree = new MerkleTree(events.map((event) => event.hash));
  const evidence = events.filter((event) => event.type !== 'Filler');
  return {
    format: CERTIFICATE_BUNDLE_FORMAT_V1,
    ...BUNDLE_HEAD,
    beneficiaryId: allocation.buyerId,
    certificates,
    events: evidence,
    proofs: evidence.map((event) => ({
      eventId: event.id,
      checkpointSequence: checkpoint.sequence,
      proof: tree.proof(event.globalPosition - 1),
    })),
    checkpoints: [checkpoint],
    unsealed: [],
  };
}

type CertificateBundleCertificate = Omit<CertificateBundle['certificates'][number], 'status'>;

const failures = (
  bundle: unknown,
  key: string = publicKey,
  policy: { witnesses?: string[]; quorum?: number } = {},
) =>
  verifyCertificateBundle(bundle, { trustedPublicKey: key, ...policy })
    .checks.filter((check) => !check.ok)
    .map((check) => `${check.subject}: ${check.reason}`);

describe('verifying a certificate bundle offline', () => {
  const certificateId = sealedBundle().certificates[0].certificateId;

  it('passes a bundle whose certificate, events, proofs and checkpoint all agree', () => {
    const result = verifyCertificateBundle(sealedBundle(), { trustedPublicKey: publicKey });
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.subject)).toEqual([
      'bundle',
      'checkpoint 3',
      'event matchingrun-run-1#0',
      'event usage-alloc-1#0',
      `event certificates-offer-1-2026-03-01T10:00:00Z#0`,
      `event certificates-offer-1-2026-03-01T10:00:00Z#1`,
      `certificate ${certificateId}`,
    ]);
  });

  it('fails a certificate edited after export, naming its issue event', () => {
    const bundle = sealedBundle();
    bundle.certificates[0].wh += 1;
    expect(failures(bundle)).toEqual([
      `certificate ${certificateId}: issue: the certificate differs from what event certificates-offer-1-2026-03-01T10:00:00Z#0 issued`,
    ]);
  });

  it('fails an edited usage event on its hash, and the certificate resting on it', () => {
    const bundle = sealedBundle();
    (bundle.events[1].data as { whConsumed: number }).whConsumed = 1;
    expect(failures(bundle)).toEqual([
      'event usage-alloc-1#0: event_hash: its content does not hash to its hash',
      `certificate ${certificateId}: usage: event usage-alloc-1#0 is not proven`,
    ]);
  });

  it('fails a forged inclusion path, a wrong leaf and a wrong tree size, naming each', () => {
    const forged = sealedBundle();
    forged.proofs[0].proof.path[0] = '0'.repeat(64);
    expect(failures(forged)[0]).toBe(
      `event ${forged.proofs[0].eventId}: inclusion_proof: the path from leaf 0 does not lead to the root of tree size 5`,
    );
    const moved = sealedBundle();
    moved.proofs[1].leafIndex = 2;
    expect(failures(moved)[0]).toBe(
      `event ${moved.proofs[1].eventId}: inclusion_proof: the proof is of leaf 1, the event's leaf is 2`,
    );
    const resized = sealedBundle();
    resized.proofs[0].proof.treeSize = 4;
    expect(failures(resized)[0]).toBe(
      `event ${resized.proofs[0].eventId}: inclusion_tree_size: the proof is for tree size 4, the checkpoint's is 5`,
    );
    const restated = sealedBundle();
    restated.checkpoint!.treeSize = 6;
    expect(failures(restated)[0]).toMatch(
      /^checkpoint 3: tree_size_mismatch: the note states tree size 5, the checkpoint 6/,
    );
  });

  it('fails a note signed by a key other than the trusted one, and every event resting on it', () => {
    const [checkpoint, ...rest] = failures(sealedBundle({ noteKey: generateSigningKey() }));
    expect(checkpoint).toMatch(
      /^checkpoint 3: log_signature: no signature on the checkpoint of tree size 5 verifies with the log's key/,
    );
    expect(rest.length).toBeGreaterThan(0);
    expect(
      rest.every(
        (line) =>
          line.includes('the checkpoint is missing or does not verify') ||
          line.includes('not proven'),
      ),
    ).toBe(true);
  });

  it('fails a note signed over another origin, naming the origin', () => {
    expect(failures(sealedBundle({ origin: 'example.org/other-log' }))[0]).toBe(
      'checkpoint 3: origin_mismatch: the checkpoint is signed over origin "example.org/other-log", not the log\'s origin "policloud/audit-log"',
    );
  });

  it('follows a key rotation from the trusted key to the key that signed the note', () => {
    const nextKey = generateSigningKey();
    const rotation = rotateSigningKey(signingKey, nextKey, '2026-03-05T00:00:00.000Z');
    expect(failures(sealedBundle({ noteKey: nextKey, rotations: [rotation] }))).toEqual([]);
    const forgedRotation = { ...rotation, endorsement: rotation.acceptance };
    const [checkpoint] = failures(sealedBundle({ noteKey: nextKey, rotations: [forgedRotation] }));
    expect(checkpoint).toContain('log_signature: ');
    expect(checkpoint).toContain('key_rotation: the rotation to key');
    expect(checkpoint).toContain('is not endorsed by the previous key');
  });

  it('meets a witness quorum with the cosignature, and fails it without or with an unknown witness', () => {
    expect(failures(sealedBundle(), publicKey, { witnesses: [witness], quorum: 1 })).toEqual([]);
    const stripped = sealedBundle();
    stripped.checkpoint!.cosignatures = [];
    expect(failures(stripped, publicKey, { witnesses: [witness], quorum: 1 })[0]).toBe(
      'checkpoint 3: quorum_not_met: 0 valid cosignature(s) by trusted witnesses, the quorum is 1',
    );
    const stranger = witnessVerifierKey('witness.example/w2', publicKeyOf(generateSigningKey()));
    expect(failures(sealedBundle(), publicKey, { witnesses: [stranger], quorum: 1 })[0]).toMatch(
      /^checkpoint 3: cosignature_unknown_key: the cosignature by "witness\.example\/w1" .* is by a key no trusted witness holds; quorum_not_met: /,
    );
  });

  it('lists every event as unsealed when no checkpoint of the tree is sealed yet', () => {
    const bundle = sealedBundle();
    bundle.checkpoint = null;
    bundle.proofs = [];
    bundle.unsealed = bundle.events.map((event) => event.id);
    expect(failures(bundle)[0]).toMatch(/^event \S+: unsealed: no checkpoint covers it yet$/);
  });

  it('still verifies a v1 bundle proven into range checkpoints', () => {
    expect(failures(rangeBundle())).toEqual([]);
    const forged = rangeBundle();
    forged.proofs[0].proof.path[0] = '0'.repeat(64);
    expect(failures(forged)[0]).toMatch(/^event \S+: inclusion_proof: the path does not lead/);
    expect(failures(rangeBundle(), publicKey, { witnesses: [witness], quorum: 1 })).toEqual([
      "bundle: quorum: a v1 bundle's range checkpoints predate witnesses (quorum 1)",
    ]);
  });

  it('fails a certificate whose usage event was left out', () => {
    const bundle = sealedBundle();
    bundle.events = bundle.events.filter((event) => event.type !== 'UsageReported');
    expect(failures(bundle)).toEqual([
      `certificate ${certificateId}: usage: no event usage-alloc-1@0 in the bundle`,
    ]);
  });

  it('fails a second certificate of the same allocation hour', () => {
    const bundle = sealedBundle();
    bundle.certificates.push({ ...bundle.certificates[0], certificateId: 'gc.alloc-1.offer-1.2' });
    expect(failures(bundle)).toEqual([
      `certificate gc.alloc-1.offer-1.2: certified twice: ${certificateId} covers the same allocation hour of offer offer-1`,
    ]);
  });

  it('fails events no checkpoint covers yet', () => {
    const bundle = sealedBundle();
    bundle.unsealed = [bundle.events[0].id];
    expect(failures(bundle)[0]).toBe(
      'event matchingrun-run-1#0: unsealed: no checkpoint covers it yet',
    );
  });

  it('fails what is not a certificate bundle, without throwing', () => {
    expect(failures('[]')).toEqual(['bundle: not a JSON object']);
    expect(failures({ ...sealedBundle(), format: 'x' })[0]).toMatch(/^bundle: format is "x"/);
  });
});
