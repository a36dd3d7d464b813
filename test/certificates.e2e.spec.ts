import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CertificateBundle,
  checkpointText,
  cosignatureLine,
  generateSigningKey,
  parseCheckpointText,
  parseSignedNote,
  publicKeyOf,
  signCheckpointNote,
  verifyCertificateBundle,
  witnessVerifierKey,
} from '@policloud/audit';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  siteBody,
  usageBody,
} from './support/marketplace-fixture';
import { cannesWithWindOffer, MARCH_FIRST, placeTenGpuOrder } from './support/cannes-market';

interface Allocation {
  allocationId: string;
  slot: string;
}
interface Certificate {
  certificateId: string;
  slot: string;
  status: string;
  wh: number;
  beneficiaryId: string;
  [field: string]: unknown;
}

/**
 * Runs scripts/audit-verify.ts --certificates on `bundle`, as a buyer would offline; `witnesses`
 * are verifier keys written to files for --witness, `extra` further options.
 */
function verifyOffline(
  bundle: unknown,
  publicKey: string,
  options: { witnesses?: string[]; extra?: string[] } = {},
): { code: number; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'policloud-certificates-'));
  writeFileSync(path.join(dir, 'certificates.json'), JSON.stringify(bundle));
  writeFileSync(path.join(dir, 'key.pem'), publicKey);
  const witnessArgs = (options.witnesses ?? []).flatMap((key, index) => {
    const file = path.join(dir, `w${index}.vkey`);
    writeFileSync(file, key);
    return ['--witness', file];
  });
  const args = [
    '-r',
    'ts-node/register/transpile-only',
    '-r',
    'tsconfig-paths/register',
    'scripts/audit-verify.ts',
    '--certificates',
    path.join(dir, 'certificates.json'),
    '--public-key',
    path.join(dir, 'key.pem'),
    ...witnessArgs,
    ...(options.extra ?? []),
  ];
  try {
    return { code: 0, output: execFileSync(process.execPath, args, { encoding: 'utf8' }) };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { code: failed.status, output: failed.stdout };
  }
}

/**
 * Cannes (FR): e = 0.7 kW × 1.2 = 840 Wh per GPU-hour; one wind offer of 100,000 Wh an hour at
 * 12 gCO2e/kWh; one order of 10 GPUs × 2 h from 10:00 on 1 March 2027, matched in full.
 */
describe('hourly energy-to-compute certificates on PostgreSQL', () => {
  let market: Marketplace;
  let buyer: Party;
  let otherBuyer: Party;
  let auditor: Party;
  let producer: Party;
  let siteMeter: Party;
  let allocations: Allocation[];
  const range = 'from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z';

  const certificates = (key: string, query = range) =>
    market.request<{ items: Certificate[]; nextAfter: string | null }>(
      'GET',
      `/v1/certificates?${query}`,
      { key },
    );

  beforeAll(async () => {
    market = await Marketplace.boot();
    const host = await market.participant(['host']);
    producer = await market.participant(['producer']);
    buyer = await market.participant(['buyer']);
    otherBuyer = await market.participant(['buyer']);
    auditor = await market.participant(['auditor']);
    let offerId: string;
    ({ siteMeter, offerId } = await cannesWithWindOffer(market, host, producer, { offerHours: 2 }));
    await placeTenGpuOrder(market, buyer, 2);
    const run = await market.request('POST', '/v1/matching/runs', { body: MARCH_FIRST });
    expect(run.body).toMatchObject({ allocationCount: 2 });
    allocations = (await market.request<{ items: Allocation[] }>('GET', '/v1/allocations')).body
      .items;
    market.clock.set('2027-03-01T12:05:00Z');
    // The wind dropped at 11:00: the offer could deliver only 4,000 Wh of that hour.
    const curtailed = await market.request('POST', `/v1/energy-offers/${offerId}/curtailments`, {
      key: producer.key,
      body: { slot: '2027-03-01T11:00:00Z', whCurtailed: 96_000 },
    });
    expect(curtailed.status).toBe(201);
    for (const [allocation, gpuHoursDelivered, whConsumed] of [
      [allocations[0], 10, 8_400],
      // Beyond the 8,400 Wh matched from the offer and the 4,000 it could deliver: not certified.
      [allocations[1], 10, 9_000],
    ] as const) {
      const reported = await market.request('POST', '/v1/usage', {
        key: siteMeter.key,
        body: usageBody(allocation, gpuHoursDelivered, whConsumed),
      });
      expect(reported.status).toBe(201);
    }
  });
  afterAll(() => market.close());

  it('issues one certificate per metered allocation hour, with the EnergyTag fields and the buyer as beneficiary', async () => {
    const listed = await certificates(buyer.key);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      {
        certificateId: `gc.${allocations[0].allocationId}.${String(listed.body.items[0].offerId)}.1`,
        slot: '2027-03-01T10:00:00Z',
        siteId: 'cannes',
        country: 'FR',
        biddingZone: 'FR',
        wh: 8_400,
        energySource: 'wind',
        producerId: producer.id,
        offerId: expect.any(String),
        emissionFactorGPerKwh: 12,
        gpuHours: 10,
        gpuModel: 'H100',
        beneficiaryId: buyer.id,
        orderId: expect.any(String),
        evidence: {
          runId: expect.any(String),
          allocationId: allocations[0].allocationId,
          usageStreamId: `usage-${allocations[0].allocationId}`,
          usageRevision: 0,
        },
        issuedAt: '2027-03-01T12:05:00.000Z',
        status: 'issued',
      },
      // Curtailed: only the 4,000 Wh the offer could deliver are certified.
      expect.objectContaining({ slot: '2027-03-01T11:00:00Z', wh: 4_000, status: 'issued' }),
    ]);
  });

  it('lists a page at a time with a cursor, and only the caller’s own', async () => {
    const first = await certificates(buyer.key, `${range}&limit=1`);
    expect(first.body.items).toHaveLength(1);
    const second = await certificates(buyer.key, `${range}&limit=1&after=${first.body.nextAfter}`);
    expect(second.body.items.map((c) => c.slot)).toEqual(['2027-03-01T11:00:00Z']);
    expect(second.body.nextAfter).toBeNull();

    expect((await certificates(otherBuyer.key)).body.items).toEqual([]);
    const peek = await certificates(otherBuyer.key, `${range}&beneficiaryId=${buyer.id}`);
    expect(peek.status).toBe(403);
    const audited = await certificates(auditor.key, `${range}&beneficiaryId=${buyer.id}`);
    expect(audited.body.items).toHaveLength(2);
    expect((await certificates(siteMeter.key)).status).toBe(403);
  });

  it('refuses a malformed range or a bundle without its range or buyer, with a 400 naming the field', async () => {
    const bad = await certificates(buyer.key, 'from=2027-03-01T10:30:00Z');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
    const bundle = (query: string, key: string) =>
      market.request<{ errors: { field: string }[] }>('GET', `/v1/certificates/bundle?${query}`, {
        key,
      });
    const open = await bundle('from=2027-03-01T00:00:00Z', buyer.key);
    expect([open.status, open.body.errors.map((e) => e.field)]).toEqual([400, ['to']]);
    const whose = await bundle(range, auditor.key);
    expect([whose.status, whose.body.errors.map((e) => e.field)]).toEqual([400, ['beneficiaryId']]);
  });

  it('an amendment of the usage cancels the certificate and issues its replacement', async () => {
    const amended = await market.request(
      'POST',
      `/v1/usage/${allocations[1].allocationId}/amendments`,
      {
        key: siteMeter.key,
        body: {
          gpuHoursDelivered: 9,
          whConsumed: 8_700,
          heatWhRecovered: 0,
          reason: 'one GPU failed at 11:00',
        },
      },
    );
    expect(amended.status).toBe(201);
    const items = (await certificates(buyer.key)).body.items;
    expect(items.map((c) => [c.slot, c.status, c.wh, c.gpuHours])).toEqual([
      ['2027-03-01T10:00:00Z', 'issued', 8_400, 10],
      ['2027-03-01T11:00:00Z', 'cancelled', 4_000, 10],
      ['2027-03-01T11:00:00Z', 'issued', 4_000, 9],
    ]);
  });

  it('the buyer claims its certificate once; others cannot, and a cancelled one cannot be claimed', async () => {
    const [first, cancelled] = (await certificates(buyer.key)).body.items;
    const claim = (id: string, key: string) =>
      market.request('POST', `/v1/certificates/${id}/claim`, { key, body: {} });
    expect((await claim(first.certificateId, otherBuyer.key)).status).toBe(404);
    expect((await claim(first.certificateId, buyer.key)).status).toBe(200);
    expect((await claim(first.certificateId, buyer.key)).status).toBe(200);
    expect((await claim(cancelled.certificateId, buyer.key)).status).toBe(409);
    expect((await claim('gc.nothing', buyer.key)).status).toBe(404);
    const claimed = (await certificates(buyer.key, `${range}&status=claimed`)).body.items;
    expect(claimed).toEqual([
      expect.objectContaining({
        certificateId: first.certificateId,
        claimedAt: expect.any(String),
      }),
    ]);
  });

  it('exports a bundle that verifies offline with the CLI; an edited certificate fails, naming it', async () => {
    const before = await market.request<CertificateBundle>(
      'GET',
      `/v1/certificates/bundle?${range}`,
      { key: buyer.key },
    );
    expect(before.status).toBe(200);
    expect(before.body.unsealed.length).toBeGreaterThan(0);

    expect((await market.request('POST', '/v1/audit/checkpoints')).status).toBe(200);
    const { publicKey } = (
      await market.request<{ publicKey: string }>('GET', '/v1/audit/checkpoints', {
        key: auditor.key,
      })
    ).body;
    const bundle = (
      await market.request<CertificateBundle>('GET', `/v1/certificates/bundle?${range}`, {
        key: buyer.key,
      })
    ).body;
    expect(bundle.certificates.map((c) => [c.slot, c.status, c.wh])).toEqual([
      ['2027-03-01T10:00:00Z', 'claimed', 8_400],
      ['2027-03-01T11:00:00Z', 'issued', 4_000],
    ]);
    expect(bundle.unsealed).toEqual([]);
    // Every event is a leaf of the one log tree, proven into the newest checkpoint's tree size.
    expect(bundle.format).toBe('policloud-certificate-bundle/2');
    expect(bundle.checkpoint).toMatchObject({ treeSize: expect.any(Number), cosignatures: [] });
    expect(parseCheckpointText(parseSignedNote(bundle.checkpoint!.note).text).treeSize).toBe(
      bundle.checkpoint!.treeSize,
    );
    expect(bundle.proofs).toHaveLength(bundle.events.length);
    for (const proof of bundle.proofs) {
      expect(proof.leafIndex).toBeLessThan(bundle.checkpoint!.treeSize);
      expect(proof.proof).toMatchObject({
        leafIndex: proof.leafIndex,
        treeSize: bundle.checkpoint!.treeSize,
      });
    }
    // Issue, claim and usage of the first; issue and amendment of the second; the one allocation
    // event of both hours (one order on one site over consecutive slots is one range).
    expect(bundle.events.map((e) => e.type).sort()).toEqual([
      'AllocationMade',
      'EnergyCertificateClaimed',
      'EnergyCertificateIssued',
      'EnergyCertificateIssued',
      'UsageAmended',
      'UsageReported',
    ]);
    expect(verifyCertificateBundle(bundle, { trustedPublicKey: publicKey }).ok).toBe(true);

    const offline = verifyOffline(bundle, publicKey);
    expect(offline.code).toBe(0);
    expect(offline.output).toContain(`PASS certificate ${bundle.certificates[0].certificateId}`);

    const inflated = structuredClone(bundle);
    inflated.certificates[1].wh = 8_500;
    const tampered = verifyOffline(inflated, publicKey);
    expect(tampered.code).toBe(1);
    expect(tampered.output).toContain(
      `FAIL certificate ${bundle.certificates[1].certificateId}: issue: the certificate differs`,
    );

    const forgedUsage = structuredClone(bundle);
    const usage = forgedUsage.events.find((e) => e.type === 'UsageAmended')!;
    (usage.data as { whConsumed: number }).whConsumed = 9_999;
    const report = verifyCertificateBundle(forgedUsage, { trustedPublicKey: publicKey });
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual({
      subject: `event ${usage.id}`,
      ok: false,
      reason: 'event_hash: its content does not hash to its hash',
    });
  });

  it('carries the witnesses’ cosignatures; the CLI checks a quorum, and fails each forgery naming it', async () => {
    const witnessKey = generateSigningKey();
    const witnessName = 'witness.example.org/certificates';
    const verifierKey = witnessVerifierKey(witnessName, publicKeyOf(witnessKey));
    const { items, publicKey } = (
      await market.request<{ publicKey: string; items: { treeSize?: number; note?: string }[] }>(
        'GET',
        '/v1/audit/checkpoints',
        { key: auditor.key },
      )
    ).body;
    const newest = items[items.length - 1];
    expect(
      (
        await market.request('POST', '/v1/audit/witnesses', {
          key: auditor.key,
          body: { name: witnessName, verifierKey },
        })
      ).status,
    ).toBe(201);
    const text = parseSignedNote(newest.note!).text;
    const cosigned = await market.request(
      'POST',
      `/v1/audit/checkpoints/${newest.treeSize}/cosignatures`,
      {
        key: auditor.key,
        body: { cosignature: cosignatureLine(text, witnessName, witnessKey, 1_800_000_000) },
      },
    );
    expect(cosigned.status).toBe(201);

    const bundle = (
      await market.request<CertificateBundle>('GET', `/v1/certificates/bundle?${range}`, {
        key: buyer.key,
      })
    ).body;
    expect(bundle.checkpoint).toMatchObject({ treeSize: newest.treeSize, note: newest.note });
    expect(bundle.checkpoint!.cosignatures).toHaveLength(1);
    const quorum = ['--quorum', '1'];
    const witnessed = verifyOffline(bundle, publicKey, { witnesses: [verifierKey], extra: quorum });
    expect(witnessed.output).toMatch(/^OK: \d+ checks passed$/m);
    expect(witnessed.code).toBe(0);

    const stranger = witnessVerifierKey(witnessName, publicKeyOf(generateSigningKey()));
    const unwitnessed = verifyOffline(bundle, publicKey, { witnesses: [stranger], extra: quorum });
    expect(unwitnessed.code).toBe(1);
    expect(unwitnessed.output).toContain(
      `FAIL checkpoint ${bundle.checkpoint!.sequence}: cosignature_unknown_key: the cosignature by "${witnessName}"`,
    );
    expect(unwitnessed.output).toContain('quorum_not_met: 0 valid cosignature(s)');

    const [first] = bundle.proofs;
    const forgedProof = structuredClone(bundle);
    forgedProof.proofs[0].proof.path[0] = 'f'.repeat(64);
    const wrongSize = structuredClone(bundle);
    wrongSize.proofs[0].proof.treeSize -= 1;
    const fields = parseCheckpointText(text);
    const otherKey = structuredClone(bundle);
    otherKey.checkpoint!.note = signCheckpointNote(fields, generateSigningKey());
    const otherOrigin = structuredClone(bundle);
    otherOrigin.checkpoint!.note = signCheckpointNote(
      { ...fields, origin: 'example.org/another-log' },
      market.auditSigningKey,
    );
    const forgeries: [string, CertificateBundle, string][] = [
      [
        'forged inclusion proof',
        forgedProof,
        `FAIL event ${first.eventId}: inclusion_proof: the path from leaf ${first.leafIndex} does not lead to the root of tree size ${newest.treeSize}`,
      ],
      [
        'wrong tree size',
        wrongSize,
        `FAIL event ${first.eventId}: inclusion_tree_size: the proof is for tree size ${newest.treeSize! - 1}, the checkpoint's is ${newest.treeSize}`,
      ],
      [
        'note signed by another key',
        otherKey,
        `FAIL checkpoint ${bundle.checkpoint!.sequence}: log_signature: no signature on the checkpoint of tree size ${newest.treeSize} verifies with the log's key`,
      ],
      [
        'note for another origin',
        otherOrigin,
        `FAIL checkpoint ${bundle.checkpoint!.sequence}: origin_mismatch: the checkpoint is signed over origin "example.org/another-log", not the log's origin "policloud/audit-log"`,
      ],
    ];
    for (const [forgery, forged, line] of forgeries) {
      const result = verifyOffline(forged, publicKey);
      expect({ forgery, code: result.code }).toEqual({ forgery, code: 1 });
      expect({ forgery, found: result.output.includes(line) }).toEqual({ forgery, found: true });
    }
    // The platform's own note, checked against an origin the auditor was told is another log's.
    const elsewhere = verifyOffline(bundle, publicKey, {
      extra: ['--origin', 'example.org/another-log'],
    });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.output).toContain('origin_mismatch: the checkpoint is signed over origin');
    expect(checkpointText(fields)).toBe(text);

    // A claim after the newest checkpoint is a leaf beyond its tree size: unsealed until the next.
    const second = bundle.certificates[1];
    expect(
      (
        await market.request('POST', `/v1/certificates/${second.certificateId}/claim`, {
          key: buyer.key,
        })
      ).status,
    ).toBe(200);
    const ahead = (
      await market.request<CertificateBundle>('GET', `/v1/certificates/bundle?${range}`, {
        key: buyer.key,
      })
    ).body;
    const claim = ahead.events.find(
      (e) =>
        e.type === 'EnergyCertificateClaimed' &&
        (e.data as { certificateId: string }).certificateId === second.certificateId,
    )!;
    expect(ahead.unsealed).toEqual([claim.id]);
    expect(ahead.proofs.map((p) => p.eventId)).not.toContain(claim.id);
    const unsealed = verifyOffline(ahead, publicKey);
    expect(unsealed.code).toBe(1);
    expect(unsealed.output).toContain(
      `FAIL event ${claim.id}: unsealed: no checkpoint covers it yet`,
    );
    expect(unsealed.output).toContain(
      `FAIL certificate ${second.certificateId}: claim: event ${claim.id} is not proven`,
    );
  });

  it('the buyer’s statement of the month shows its CFE share and gCO2e per GPU-hour', async () => {
    market.clock.set('2027-04-02T00:00:00Z');
    expect((await market.request('POST', '/v1/settlements/2027-03/close')).status).toBe(200);
    const statements = await market.request<{ items: { role: string; energy?: unknown }[] }>(
      'GET',
      '/v1/settlements/2027-03/statements',
      { key: buyer.key },
    );
    // 8,400 + 8,700 Wh metered over 19 GPU-hours; 12,400 Wh certified wind at 12 g/kWh and
    // 4,700 Wh uncertified at 490: 148,800 + 2,303,000 mg = 2,451.8 g, 129.042 g per GPU-hour.
    expect(statements.body.items).toEqual([
      expect.objectContaining({
        role: 'buyer',
        energy: {
          gpuHours: 19,
          meteredWh: 17_100,
          certifiedWh: 12_400,
          cfeWh: 12_400,
          cfeShareBps: 7_251,
          co2eGrams: 2_452,
          gCo2ePerGpuHour: '129.042',
        },
      }),
    ]);
  });
});

/**
 * Two buyers' allocations draw 8,400 Wh each from one offer-hour that, once curtailed, could
 * deliver 10,000 Wh: reported at the same moment (one of them twice), each is certified once,
 * together never more than 10,000 Wh.
 */
describe('certificates of one offer-hour reported concurrently', () => {
  let market: Marketplace;

  beforeAll(async () => {
    market = await Marketplace.boot();
  });
  afterAll(() => market.close());

  it('certifies both allocations, together no more than the offer-hour could deliver', async () => {
    const host = await market.participant(['host']);
    const producer = await market.participant(['producer']);
    const buyers = [await market.participant(['buyer']), await market.participant(['buyer'])];
    await market.site(siteBody('nice', host.id));
    await market.agreement('nice', host.id, [producer.id]);
    const meter = await market.participant(['site'], { siteId: 'nice' });
    const offer = await market.request<{ id: string }>('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody(['nice'], { profile: profile('2027-03-01T10:00:00Z', 1, 100_000) }),
    });
    for (const buyer of buyers) {
      await market.request('POST', '/v1/compute-orders', {
        key: buyer.key,
        body: orderBody({
          gpus: 10,
          hours: 1,
          earliestStart: '2027-03-01T10:00:00Z',
          deadline: '2027-03-01T11:00:00Z',
          maxPricePerGpuHour: 300,
        }),
      });
    }
    const run = await market.request('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(run.body).toMatchObject({ allocationCount: 2 });
    const allocations = (await market.request<{ items: Allocation[] }>('GET', '/v1/allocations'))
      .body.items;
    market.clock.set('2027-03-01T11:05:00Z');
    await market.request('POST', `/v1/energy-offers/${offer.body.id}/curtailments`, {
      key: producer.key,
      body: { slot: '2027-03-01T10:00:00Z', whCurtailed: 90_000 },
    });

    // The first allocation twice at once: one report stands, the other is a conflict.
    const reports = await Promise.all(
      [allocations[0], ...allocations].map((allocation) =>
        market.request('POST', '/v1/usage', {
          key: meter.key,
          body: usageBody(allocation, 10, 8_400),
        }),
      ),
    );
    expect(reports.map((report) => report.status).sort()).toEqual([201, 201, 409]);

    const auditor = await market.participant(['auditor']);
    const certified = (
      await market.request<{ items: Certificate[] }>(
        'GET',
        '/v1/certificates?from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z',
        { key: auditor.key },
      )
    ).body.items;
    expect(certified.map((c) => c.beneficiaryId).sort()).toEqual(buyers.map((b) => b.id).sort());
    expect(certified.map((c) => c.wh).sort((a, b) => a - b)).toEqual([1_600, 8_400]);
  });
});
