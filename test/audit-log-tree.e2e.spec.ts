import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  consistencyFailure,
  generateSigningKey,
  publicKeyOf,
  verifyBundle,
  cosignatureLine,
  parseCheckpointText,
  parseSignedNote,
  verifyCheckpointNote,
  verifyInclusion,
  witnessVerifierKey,
} from '@policloud/audit';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AuditApiClient, runWitnessOnce } from '../scripts/audit-witness/witness-runner';
import { Marketplace, Party } from './support/marketplace-fixture';
import { bootTestApp } from './support/test-app';

interface Checkpoint {
  sequence: number;
  treeSize?: number;
  note?: string;
  cosignedNote?: string;
  cosignatures?: { witness: string; treeSize: number }[];
}
interface Published {
  logVerifierKey: string;
  origin: string;
  items: Checkpoint[];
}
interface Problem {
  errors?: { field: string; message: string }[];
}

/** One tree over the whole log, C2SP checkpoints, proofs and witnesses, on PostgreSQL. */
describe('the whole-log tree and its witnesses', () => {
  let market: Marketplace;
  let auditor: Party;
  let otherAuditor: Party;
  const witness = generateKeyPairSync('ed25519');
  const witnessName = 'witness.example/w1';

  const published = async () =>
    (await market.request<Published>('GET', '/v1/audit/checkpoints', { key: auditor.key })).body;
  const seal = () => market.request<Checkpoint>('POST', '/v1/audit/checkpoints');
  const rootOf = (note: string) => parseCheckpointText(parseSignedNote(note).text).rootHash;

  beforeAll(async () => {
    market = await Marketplace.boot();
    auditor = await market.participant(['auditor']);
    otherAuditor = await market.participant(['auditor']);
    await market.participant(['buyer']);
    expect((await seal()).status).toBe(200);
    await market.participant(['producer']);
    await market.participant(['host']);
    expect((await seal()).body.sequence).toBe(2);
  });
  afterAll(() => market.close());

  it('seals checkpoints as C2SP notes of the whole-log tree, signed by the log key', async () => {
    const { items, logVerifierKey, origin } = await published();
    const [first, second] = items;
    expect(second.treeSize).toBeGreaterThan(first.treeSize!);
    for (const checkpoint of [first, second]) {
      const verification = verifyCheckpointNote(checkpoint.note!, {
        logKeys: [logVerifierKey],
        origin,
        treeSize: checkpoint.treeSize,
      });
      expect(verification).toMatchObject({ ok: true, failures: [] });
    }
    // Checkpoints with notes keep verifying as a history.
    const verify = await market.request<{ ok: boolean }>('GET', '/v1/audit/verify', {
      key: auditor.key,
    });
    expect(verify.body.ok).toBe(true);
  });

  it('proves any event into a checkpoint’s root, and the older tree into the newer', async () => {
    const { items } = await published();
    const [first, second] = items;
    const events = await market.store.readAll({ after: 0, maxCount: 1000 });
    const target = events[first.treeSize! - 1];
    const proof = await market.request<{
      leafIndex: number;
      treeSize: number;
      path: string[];
      rootHash: string;
    }>('GET', `/v1/audit/proofs/inclusion?eventId=${target.id}&treeSize=${second.treeSize}`, {
      key: auditor.key,
    });
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({ leafIndex: first.treeSize! - 1, treeSize: second.treeSize });
    expect(proof.body.rootHash).toBe(rootOf(second.note!));
    expect(verifyInclusion(target.hash!, proof.body, rootOf(second.note!))).toBe(true);
    expect(verifyInclusion(events[0].hash!, proof.body, rootOf(second.note!))).toBe(false);

    const consistency = await market.request<{
      firstSize: number;
      secondSize: number;
      path: string[];
    }>('GET', `/v1/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`, {
      key: auditor.key,
    });
    expect(consistency.status).toBe(200);
    expect(
      consistencyFailure(consistency.body, rootOf(first.note!), rootOf(second.note!)),
    ).toBeNull();
  });

  it('answers a malformed or impossible proof request with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/v1/audit/proofs/inclusion?eventId=x&treeSize=abc', 'treeSize'],
      ['/v1/audit/proofs/inclusion?eventId=x&treeSize=999999999', 'treeSize'],
      ['/v1/audit/proofs/consistency?from=5&to=2', 'from'],
      ['/v1/audit/proofs/consistency?from=1', 'to'],
    ];
    for (const [url, field] of cases) {
      const response = await market.request<Problem>('GET', url, { key: auditor.key });
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      expect(response.body.errors?.map((e) => e.field)).toContain(field);
    }
    const buyer = await market.participant(['buyer']);
    const forbidden = await market.request('GET', '/v1/audit/proofs/consistency?from=1&to=2', {
      key: buyer.key,
    });
    expect(forbidden.status).toBe(403);
  });

  it('records a witness cosignature only when it verifies, and lists it with its checkpoint', async () => {
    const verifierKey = witnessVerifierKey(witnessName, witness.publicKey);
    const registered = await market.request('POST', '/v1/audit/witnesses', {
      key: auditor.key,
      body: { name: witnessName, verifierKey },
    });
    expect(registered.status).toBe(201);
    const { items, logVerifierKey } = await published();
    const second = items[1];
    const text = parseSignedNote(second.note!).text;
    const post = (key: string, cosignature: string) =>
      market.request<Problem>('POST', `/v1/audit/checkpoints/${second.treeSize}/cosignatures`, {
        key,
        body: { cosignature },
      });

    const forged = generateKeyPairSync('ed25519');
    const byOtherKey = await post(
      auditor.key,
      cosignatureLine(text, witnessName, forged.privateKey, 1_800_000_000),
    );
    expect(byOtherKey.status).toBe(400);
    expect(byOtherKey.body.errors?.[0].field).toBe('cosignature');
    const overOtherText = await post(
      auditor.key,
      cosignatureLine(
        text.replace(/\n\d+\n/, '\n1\n'),
        witnessName,
        witness.privateKey,
        1_800_000_000,
      ),
    );
    expect(overOtherText.status).toBe(400);
    const line = cosignatureLine(text, witnessName, witness.privateKey, 1_800_000_000);
    expect((await post(otherAuditor.key, line)).status).toBe(403);
    expect((await post(auditor.key, line)).status).toBe(201);

    const listed = (await published()).items[1];
    expect(listed.cosignatures).toEqual([
      expect.objectContaining({ witness: witnessName, treeSize: second.treeSize }),
    ]);
    expect(
      verifyCheckpointNote(listed.cosignedNote!, {
        logKeys: [logVerifierKey],
        witnesses: [verifierKey],
        quorum: 1,
      }),
    ).toMatchObject({ ok: true, cosignedBy: [witnessName] });
    // A witness never cosigns an older tree after a newer one.
    const older = parseSignedNote(items[0].note!).text;
    const backwards = await market.request(
      'POST',
      `/v1/audit/checkpoints/${items[0].treeSize}/cosignatures`,
      {
        key: auditor.key,
        body: {
          cosignature: cosignatureLine(older, witnessName, witness.privateKey, 1_800_000_001),
        },
      },
    );
    expect(backwards.status).toBe(409);
  });

  it('the offline CLI needs a quorum of trusted witnesses on every checkpoint of the bundle', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policloud-quorum-'));
    const witnessFile = path.join(dir, 'w1.vkey');
    writeFileSync(witnessFile, witnessVerifierKey(witnessName, witness.publicKey));
    const strangerFile = path.join(dir, 'stranger.vkey');
    writeFileSync(
      strangerFile,
      witnessVerifierKey('witness.example/x', generateKeyPairSync('ed25519').publicKey),
    );
    const exportTo = async (query: string) => {
      const response = await market.app.inject({
        method: 'GET',
        url: `/v1/audit/export?${query}`,
        headers: { authorization: `Bearer ${auditor.key}` },
      });
      const file = path.join(dir, `bundle-${query.length}.ndjson`);
      writeFileSync(file, response.body);
      return file;
    };
    const cli = (...args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync(process.execPath, [
            '-r',
            'ts-node/register/transpile-only',
            '-r',
            'tsconfig-paths/register',
            'scripts/audit-verify.ts',
            ...args,
          ]).toString(),
        };
      } catch (error) {
        const failed = error as { status: number; stdout: Buffer };
        return { code: failed.status, out: failed.stdout.toString() };
      }
    };
    const { items } = await published();
    // Only checkpoint 2 was cosigned (by w1): a bundle of its events meets a quorum of 1.
    const cosignedOnly = await exportTo(
      `after=${(items[1] as { fromPosition?: number }).fromPosition}`,
    );
    expect(cli(cosignedOnly, '--witness', witnessFile, '--quorum', '1')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^PASS/),
    });
    const byStranger = cli(cosignedOnly, '--witness', strangerFile, '--quorum', '1');
    expect(byStranger.code).toBe(1);
    expect(byStranger.out).toMatch(/checkpoint_cosignatures: .*quorum is 1/);
    // The whole history: checkpoint 1 has no cosignature, so the quorum fails, naming it.
    const whole = cli(await exportTo(''), '--witness', witnessFile, '--quorum', '1');
    expect(whole.code).toBe(1);
    expect(whole.out).toMatch(/checkpoint_cosignatures: checkpoint 1 /);
  });

  it('the reference witness polls, cosigns consistent checkpoints and refuses a fork', async () => {
    const key = generateKeyPairSync('ed25519');
    const name = 'witness.example/reference';
    const stateFile = path.join(
      mkdtempSync(path.join(tmpdir(), 'policloud-witness-')),
      'state.json',
    );
    const api: AuditApiClient = {
      get: (url) => market.request('GET', url, { key: auditor.key }),
      post: (url, body) => market.request('POST', url, { key: auditor.key, body }),
    };
    const options = { name, privateKey: key.privateKey, stateFile };
    await market.request('POST', '/v1/audit/witnesses', {
      key: auditor.key,
      body: { name, verifierKey: witnessVerifierKey(name, key.publicKey) },
    });

    const first = await runWitnessOnce(api, options);
    expect(first.action).toBe('cosign');
    expect((await runWitnessOnce(api, options)).action).toBe('skip');
    await market.participant(['buyer']);
    await seal();
    const second = await runWitnessOnce(api, options);
    expect(second).toMatchObject({ action: 'cosign' });
    const { items } = await published();
    expect(items.at(-1)!.cosignatures!.map((c) => c.witness)).toContain(name);

    // The witness remembers another history at its tree size (what a split view shows): the
    // platform's next checkpoint cannot be proven an extension of it, and is refused.
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    writeFileSync(stateFile, JSON.stringify({ ...state, rootHash: 'ab'.repeat(32) }));
    await market.participant(['buyer']);
    await seal();
    const refused = await runWitnessOnce(api, options);
    expect(refused).toMatchObject({ action: 'refuse', reason: expect.stringMatching(/^fork:/) });
    expect((await published()).items.at(-1)!.cosignatures!.map((c) => c.witness)).not.toContain(
      name,
    );
  });
});

describe('the whole-log tree on the embedded store (PGlite)', () => {
  let market: Marketplace;
  beforeAll(async () => {
    market = await Marketplace.boot('embedded');
  });
  afterAll(() => market?.close());

  it('seals a v2 checkpoint and proves an event into it', async () => {
    const auditor = await market.participant(['auditor']);
    const sealed = await market.request<Checkpoint>('POST', '/v1/audit/checkpoints');
    expect(sealed.status).toBe(200);
    const [first] = await market.store.readAll({ after: 0, maxCount: 1 });
    const proof = await market.request<{
      leafIndex: number;
      treeSize: number;
      path: string[];
      rootHash: string;
    }>('GET', `/v1/audit/proofs/inclusion?eventId=${first.id}`, { key: auditor.key });
    expect(proof.status).toBe(200);
    expect(proof.body.treeSize).toBe(sealed.body.treeSize);
    expect(verifyInclusion(first.hash!, proof.body, proof.body.rootHash)).toBe(true);
  });
});

describe('rotating the audit signing key (PostgreSQL)', () => {
  it('records the rotation endorsed by the old key; old and new checkpoints verify, online and offline', async () => {
    const market = await Marketplace.boot();
    const schemaUrl = (market as unknown as { schema: { url: string } }).schema.url;
    const auditor = await market.participant(['auditor']);
    expect((await market.request('POST', '/v1/audit/checkpoints')).status).toBe(200);
    await market.app.close();

    const newKey = generateSigningKey();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-rotation-'));
    const env = {
      EVENT_STORE: 'postgres',
      DATABASE_URL: schemaUrl,
      OPERATOR_API_KEY: market.operatorKey,
      AUDIT_SIGNING_KEY: newKey,
      DATA_DIR: dataDir,
    };
    // A new key without the old one beside it: no checkpoint by an unannounced key.
    market.app = (await bootTestApp(env, market.clock)).app;
    await market.participant(['buyer']);
    const refused = await market.request<{ detail?: string }>('POST', '/v1/audit/checkpoints');
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/audit-signing-key\.previous\.pem/);
    await market.app.close();

    // The operator leaves the old key beside the new one: the rotation is recorded.
    writeFileSync(path.join(dataDir, 'audit-signing-key.previous.pem'), market.auditSigningKey);
    market.app = (await bootTestApp(env, market.clock)).app;
    try {
      await market.participant(['buyer']);
      const sealed = await market.request<{ keyId: string }>('POST', '/v1/audit/checkpoints');
      expect(sealed.status).toBe(200);
      const { body } = await market.request<{
        keyRotations: { previousKeyId: string; keyId: string }[];
        items: { keyId: string }[];
      }>('GET', '/v1/audit/checkpoints', { key: auditor.key });
      expect(body.keyRotations).toEqual([
        expect.objectContaining({ previousKeyId: body.items[0].keyId, keyId: sealed.body.keyId }),
      ]);
      expect(body.items.map((c) => c.keyId)).toEqual([body.items[0].keyId, sealed.body.keyId]);
      const verify = await market.request<{ ok: boolean; checkpointsChecked: number }>(
        'GET',
        '/v1/audit/verify',
        { key: auditor.key },
      );
      expect(verify.body).toMatchObject({ ok: true, checkpointsChecked: 2 });

      const exported = await market.app.inject({
        method: 'GET',
        url: '/v1/audit/export',
        headers: { authorization: `Bearer ${auditor.key}` },
      });
      // An auditor who only ever held the old public key.
      expect(
        verifyBundle(exported.body, { trustedPublicKey: publicKeyOf(market.auditSigningKey) }),
      ).toMatchObject({ ok: true, checkpointsVerified: 2 });
    } finally {
      await market.close();
    }
  });
});
