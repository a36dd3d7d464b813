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
import { generateSigningKey, publicKeyOf, sealCheckpoint } from '../checkpoint';
import { chainHashes, GENESIS_HASH } from '../event-hash';
import { MerkleTree } from '../merkle';
import {
  buildCertificateBundle,
  CertificateBundle,
  CertificateEvidenceEvent,
} from './certificate-bundle';
import { verifyCertificateBundle } from './verify-certificate-bundle';

const signingKey = generateSigningKey();
const publicKey = publicKeyOf(signingKey);

/** A sealed log of five events: an allocation, its usage, a filler, the certificate, its claim. */
function sealedBundle(): CertificateBundle {
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
  const checkpoint = sealCheckpoint(
    { fromPosition: 0, events, sealedAt: '2026-03-06T00:00:00.000Z' },
    signingKey,
  );
  const tree = new MerkleTree(events.map((event) => event.hash));
  const evidence = events.filter((event) => event.type !== 'Filler');
  return buildCertificateBundle({
    generatedAt: '2026-03-06T00:00:01.000Z',
    beneficiaryId: allocation.buyerId,
    from: '2026-03-01T00:00:00Z',
    to: '2026-04-01T00:00:00Z',
    certificates: [
      {
        ...(issued.data as CertificateBundleCertificate),
        status: 'claimed',
        claimedAt: claimed.data.claimedAt,
      },
    ],
    events: evidence,
    proofs: evidence.map((event) => ({
      eventId: event.id,
      checkpointSequence: checkpoint.sequence,
      proof: tree.proof(event.globalPosition - 1),
    })),
    checkpoints: [checkpoint],
    unsealed: [],
  });
}

type CertificateBundleCertificate = Omit<CertificateBundle['certificates'][number], 'status'>;

const failures = (bundle: unknown, key: string = publicKey) =>
  verifyCertificateBundle(bundle, { trustedPublicKey: key })
    .checks.filter((check) => !check.ok)
    .map((check) => `${check.subject}: ${check.reason}`);

describe('verifying a certificate bundle offline', () => {
  const certificateId = sealedBundle().certificates[0].certificateId;

  it('passes a bundle whose certificate, events, proofs and checkpoint all agree', () => {
    const result = verifyCertificateBundle(sealedBundle(), { trustedPublicKey: publicKey });
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.subject)).toEqual([
      'bundle',
      'checkpoint 1',
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

  it('fails a forged inclusion path and a wrong tree size', () => {
    const forged = sealedBundle();
    forged.proofs[0].proof.path[0] = '0'.repeat(64);
    const resized = sealedBundle();
    resized.proofs[0].proof.treeSize = 4;
    for (const bundle of [forged, resized]) {
      const [event] = failures(bundle);
      expect(event).toMatch(/^event \S+: inclusion_proof: /);
    }
    expect(failures(resized)[0]).toContain("tree size 4 is not the checkpoint's 5");
  });

  it('fails checkpoints signed by a key other than the trusted one', () => {
    const other = publicKeyOf(generateSigningKey());
    const [checkpoint, ...rest] = failures(sealedBundle(), other);
    expect(checkpoint).toMatch(/^checkpoint 1: signed by key \S+, not the trusted \S+$/);
    expect(
      rest.every((line) => line.includes('not proven') || line.includes('checkpoint 1 is missing')),
    ).toBe(true);
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
