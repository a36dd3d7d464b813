import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { verifyBundle } from '@policloud/audit';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  siteBody,
} from './support/marketplace-fixture';

/** Node's arguments to run scripts/audit-verify.ts, as an auditor would, on `bundle` saved to a file. */
function auditVerifyArgs(bundle: string): string[] {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'policloud-bundle-')), 'bundle.ndjson');
  writeFileSync(file, bundle);
  return [
    '-r',
    'ts-node/register/transpile-only',
    '-r',
    'tsconfig-paths/register',
    'scripts/audit-verify.ts',
    file,
  ];
}

interface Verification {
  ok: boolean;
  eventsChecked: number;
  checkpointsChecked: number;
  firstInconsistency?: {
    kind: string;
    globalPosition?: number;
    eventId?: string;
    checkpointSequence?: number;
  };
}

/**
 * A FR-only buyer and an unconstrained one matched across a French and an Emirati site, metered,
 * sealed into two signed checkpoints — then the history is tampered with directly in PostgreSQL.
 */
describe('sovereignty audits on PostgreSQL', () => {
  let market: Marketplace;
  let auditor: Party;
  let frBuyer: Party;
  let otherBuyer: Party;
  let sql: Client;

  const verify = () =>
    market.request<Verification>('GET', '/v1/audit/verify', { key: auditor.key });
  const exportBundle = async (query: string) => {
    const response = await market.app.inject({
      method: 'GET',
      url: `/v1/audit/export?${query}`,
      headers: { authorization: `Bearer ${auditor.key}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    return response.body;
  };
  const positionOf = async (where: string) =>
    Number(
      (
        await sql.query(
          `SELECT global_position FROM es_events WHERE ${where} ORDER BY global_position LIMIT 1`,
        )
      ).rows[0].global_position,
    );

  beforeAll(async () => {
    market = await Marketplace.boot();
    const schema = (market as unknown as { schema: { poolConfig: object } }).schema;
    sql = new Client(schema.poolConfig);
    await sql.connect();
    const [hostFr, hostAe, windFr, windAe] = await Promise.all([
      market.participant(['host']),
      market.participant(['host'], { country: 'AE' }),
      market.participant(['producer']),
      market.participant(['producer'], { country: 'AE' }),
    ]);
    [frBuyer, otherBuyer, auditor] = await Promise.all([
      market.participant(['buyer']),
      market.participant(['buyer']),
      market.participant(['auditor']),
    ]);
    await market.site(siteBody('cannes', hostFr.id, { reservePricePerGpuHour: 150 }));
    await market.site(
      siteBody('emirates', hostAe.id, {
        country: 'AE',
        operatorJurisdiction: 'AE',
        certifications: [],
        location: { lat: 24.45, lon: 54.38 },
        reservePricePerGpuHour: 100,
      }),
    );
    await market.agreement('cannes', hostFr.id, [windFr.id]);
    await market.agreement('emirates', hostAe.id, [windAe.id]);
    const slots = profile('2027-03-01T10:00:00Z', 2, 100_000);
    await market.request('POST', '/v1/energy-offers', {
      key: windFr.key,
      body: offerBody(['cannes'], { profile: slots }),
    });
    await market.request('POST', '/v1/energy-offers', {
      key: windAe.key,
      body: offerBody(['emirates'], { profile: slots }),
    });
    const window = { earliestStart: '2027-03-01T10:00:00Z', deadline: '2027-03-01T12:00:00Z' };
    await market.request('POST', '/v1/compute-orders', {
      key: frBuyer.key,
      body: orderBody({
        gpus: 10,
        hours: 2,
        ...window,
        maxPricePerGpuHour: 300,
        constraints: { jurisdictions: ['FR'] },
      }),
    });
    await market.request('POST', '/v1/compute-orders', {
      key: otherBuyer.key,
      body: orderBody({ gpus: 20, hours: 2, ...window, maxPricePerGpuHour: 200, constraints: {} }),
    });
    await market.request('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect((await market.request('POST', '/v1/audit/checkpoints')).status).toBe(200);
    await market.request('POST', '/v1/compute-orders', { key: otherBuyer.key, body: orderBody() });
    expect(
      (await market.request<{ sequence: number }>('POST', '/v1/audit/checkpoints')).body.sequence,
    ).toBe(2);
  });
  afterAll(async () => {
    await sql?.end();
    await market.close();
  });

  it('an untouched history verifies clean', async () => {
    const result = await verify();
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: true, checkpointsChecked: 2 });
    expect(result.body.eventsChecked).toBe(await market.head());
  });

  it('publishes the checkpoints with the Ed25519 public key', async () => {
    const published = await market.request<{
      publicKey: string;
      items: { sequence: number; signature: string }[];
    }>('GET', '/v1/audit/checkpoints', { key: auditor.key });
    expect(published.body.publicKey).toContain('BEGIN PUBLIC KEY');
    expect(published.body.items.map((c) => c.sequence)).toEqual([1, 2]);
  });

  it("a FR-only buyer's report shows every GPU-hour in France with a passing verdict", async () => {
    const report = await market.request<{
      allocations: {
        country: string;
        operatorJurisdiction: string;
        gpus: number;
        energy: { source: string }[];
      }[];
      orders: { verdicts: Record<string, string> }[];
    }>('GET', `/v1/audit/sovereignty/${frBuyer.id}`, { key: auditor.key });
    expect(report.status).toBe(200);
    expect(report.body.allocations).toHaveLength(2);
    for (const allocation of report.body.allocations) {
      expect(allocation).toMatchObject({ country: 'FR', operatorJurisdiction: 'FR', gpus: 10 });
      expect(allocation.energy).toEqual([expect.objectContaining({ source: 'wind' })]);
    }
    expect(report.body.orders).toEqual([
      expect.objectContaining({
        verdicts: expect.objectContaining({
          jurisdictions: 'pass',
          renewableOnly: 'not_requested',
        }),
      }),
    ]);
  });

  it('its export verifies offline, and the same bundle with one edited line fails', async () => {
    const bundle = await exportBundle(`participant=${frBuyer.id}`);
    const verified = verifyBundle(bundle);
    expect(verified).toMatchObject({ ok: true, failures: [] });
    expect(verified.eventsVerified).toBeGreaterThanOrEqual(3);

    const cli = auditVerifyArgs(bundle);
    expect(execFileSync(process.execPath, cli, { encoding: 'utf8' })).toContain('PASS');

    const lines = bundle.split('\n');
    const allocationLine = lines.findIndex((line) => line.includes('"AllocationMade"'));
    lines[allocationLine] = lines[allocationLine].replace('"country":"FR"', '"country":"AE"');
    const edited = auditVerifyArgs(lines.join('\n'));
    let output = '';
    try {
      execFileSync(process.execPath, edited, { encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    expect(output).toContain('FAIL');
    expect(output).toContain(`line ${allocationLine + 1}`);
  });

  it('an event line deleted from an export fails offline, naming it; filtered exports pass', async () => {
    const bundle = await exportBundle('');
    const lines = bundle.trimEnd().split('\n');
    const events = lines
      .map((line, index) => ({
        index,
        parsed: JSON.parse(line) as {
          kind: string;
          event?: { streamId: string; revision: number };
        },
      }))
      .filter(({ parsed }) => parsed.kind === 'event');
    const byStream = new Map<string, number[]>();
    for (const { index, parsed } of events)
      byStream.set(parsed.event!.streamId, [
        ...(byStream.get(parsed.event!.streamId) ?? []),
        index,
      ]);
    const [streamId, indexes] = [...byStream].sort((a, b) => b[1].length - a[1].length)[0];
    expect(indexes.length).toBeGreaterThanOrEqual(3);
    const middle = indexes[1];
    const revision = (JSON.parse(lines[middle]) as { event: { revision: number } }).event.revision;

    const cli = auditVerifyArgs(lines.filter((_, i) => i !== middle).join('\n') + '\n');
    let output = '';
    try {
      execFileSync(process.execPath, cli, { encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    expect(output.split('\n')).toEqual(
      expect.arrayContaining([
        'FAIL:',
        expect.stringMatching(
          new RegExp(
            `^line 1: missing_event: event ${streamId}@${revision} is listed in the signed header but missing`,
          ),
        ),
      ]),
    );

    // Fewer events because of a filter (buyer, stream, time) is not a deletion.
    const recordedAt = (
      await sql.query(`SELECT recorded_at FROM es_events ORDER BY global_position OFFSET 3 LIMIT 1`)
    ).rows[0].recorded_at as Date;
    for (const query of [
      `participant=${frBuyer.id}`,
      `stream=${encodeURIComponent(streamId)}`,
      `from=${recordedAt.toISOString()}`,
    ]) {
      const filtered = verifyBundle(await exportBundle(query));
      expect({ query, ...filtered }).toMatchObject({ query, ok: true, failures: [] });
    }
  });

  it('one changed byte of one event is detected at that event, online and offline', async () => {
    const position = await positionOf(`event_type = 'AllocationMade'`);
    await sql.query(
      `UPDATE es_events SET data = replace(data::text, '"gpus":10', '"gpus":11')::json WHERE global_position = $1`,
      [position],
    );
    try {
      expect((await verify()).body.firstInconsistency).toMatchObject({
        kind: 'event_hash',
        globalPosition: position,
      });
      const offline = verifyBundle(await exportBundle(`participant=${frBuyer.id}`));
      expect(offline.ok).toBe(false);
      expect(offline.failures.map((f) => f.kind)).toContain('event_hash');
    } finally {
      await sql.query(
        `UPDATE es_events SET data = replace(data::text, '"gpus":11', '"gpus":10')::json WHERE global_position = $1`,
        [position],
      );
    }
    expect((await verify()).body.ok).toBe(true);
  });

  it('a deleted event is detected at the next event of its stream', async () => {
    // The first two events of a filled order's stream: its placement, then a run's fills.
    const filled = await sql.query(
      `SELECT * FROM es_events WHERE stream_id = (
         SELECT stream_id FROM es_events WHERE event_type = 'ComputeOrderFilled'
         ORDER BY global_position LIMIT 1)
       ORDER BY global_position LIMIT 2`,
    );
    const [deleted, next] = filled.rows as { global_position: string; stream_id: string }[];
    expect(next.stream_id).toBe(deleted.stream_id);
    await sql.query('DELETE FROM es_events WHERE global_position = $1', [deleted.global_position]);
    try {
      expect((await verify()).body.firstInconsistency).toMatchObject({
        kind: 'chain_break',
        globalPosition: Number(next.global_position),
      });
      expect(verifyBundle(await exportBundle(`participant=${frBuyer.id}`)).ok).toBe(false);
    } finally {
      const columns = Object.keys(filled.rows[0]);
      await sql.query(
        `INSERT INTO es_events (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((column) => {
          const value = (filled.rows[0] as Record<string, unknown>)[column];
          // json columns go back as text; timestamps and hashes (bytea: Buffers) as they came.
          const json =
            value !== null &&
            typeof value === 'object' &&
            !(value instanceof Date) &&
            !Buffer.isBuffer(value);
          return json ? JSON.stringify(value) : value;
        }),
      );
    }
    expect((await verify()).body.ok).toBe(true);
  });

  it('two events swapped in the log are detected at the checkpoint covering them', async () => {
    // Neighbours in the log from two streams: each stream keeps its own order, only the log's changes.
    const first = await positionOf(
      `event_type = 'ApiKeyIssued' AND global_position + 1 IN (SELECT global_position FROM es_events WHERE event_type = 'ParticipantRegistered')`,
    );
    const second = first + 1;
    const swap = async () => {
      await sql.query('UPDATE es_events SET global_position = -1 WHERE global_position = $1', [
        first,
      ]);
      await sql.query('UPDATE es_events SET global_position = $1 WHERE global_position = $2', [
        first,
        second,
      ]);
      await sql.query('UPDATE es_events SET global_position = $1 WHERE global_position = -1', [
        second,
      ]);
    };
    await swap();
    try {
      expect((await verify()).body.firstInconsistency).toMatchObject({
        kind: 'checkpoint_root',
        checkpointSequence: 1,
      });
      expect(verifyBundle(await exportBundle('type=ParticipantRegistered')).ok).toBe(false);
    } finally {
      await swap();
    }
    expect((await verify()).body.ok).toBe(true);
  });

  it("a checkpoint's swapped signature is detected at that checkpoint", async () => {
    const rows = (
      await sql.query(
        `SELECT global_position, data FROM es_events WHERE event_type = 'AuditCheckpointSealed' ORDER BY global_position`,
      )
    ).rows as { global_position: string; data: { signature: string } }[];
    const [one, two] = rows;
    const setSignature = (row: { global_position: string }, signature: string) =>
      sql.query(
        `UPDATE es_events SET data = jsonb_set(data::jsonb, '{signature}', to_jsonb($1::text))::json WHERE global_position = $2`,
        [signature, row.global_position],
      );
    const original = await sql.query(
      'SELECT data::text AS text FROM es_events WHERE global_position = $1',
      [one.global_position],
    );
    await setSignature(one, two.data.signature);
    try {
      expect((await verify()).body.firstInconsistency).toMatchObject({
        kind: 'checkpoint_signature',
        checkpointSequence: 1,
      });
      const offline = verifyBundle(await exportBundle('type=SiteRegistered'));
      expect(offline.failures.map((f) => f.kind)).toContain('checkpoint_signature');
    } finally {
      await sql.query('UPDATE es_events SET data = $1::json WHERE global_position = $2', [
        original.rows[0].text,
        one.global_position,
      ]);
    }
    expect((await verify()).body.ok).toBe(true);
  });

  it('non-auditors get 403 on every audit endpoint; auditors cannot write', async () => {
    const endpoints = [
      '/v1/audit/events',
      '/v1/audit/verify',
      '/v1/audit/checkpoints',
      `/v1/audit/sovereignty/${frBuyer.id}`,
      '/v1/audit/export',
      '/v1/audit/matching-runs/any/replay',
    ];
    for (const key of [market.operatorKey, frBuyer.key, otherBuyer.key]) {
      for (const url of endpoints) {
        const response = await market.request('GET', url, { key });
        expect({ url, status: response.status }).toEqual({ url, status: 403 });
      }
    }
    const head = await market.head();
    for (const [method, url, body] of [
      ['POST', '/v1/audit/checkpoints', undefined],
      ['POST', '/v1/compute-orders', orderBody()],
      ['POST', '/v1/participants', { name: 'x', roles: ['buyer'], country: 'FR' }],
      ['POST', '/v1/matching/runs', {}],
      ['POST', '/v1/settlements/2027-01/close', undefined],
    ] as const) {
      expect((await market.request(method, url, { key: auditor.key, body })).status).toBe(403);
    }
    expect(await market.head()).toBe(head);
  });

  it('an auditor can replay a matching run and page through the events', async () => {
    const runs = await market.request<{ items: { streamId: string }[] }>(
      'GET',
      '/v1/audit/events?type=MatchingRunCompleted',
      { key: auditor.key },
    );
    const runId = runs.body.items[0].streamId.replace('matchingrun-', '');
    const replay = await market.request('GET', `/v1/audit/matching-runs/${runId}/replay`, {
      key: auditor.key,
    });
    expect(replay.body).toMatchObject({ identical: true, inputHashMatches: true });
    const page = await market.request<{
      items: { globalPosition: number }[];
      nextAfter: number | null;
    }>('GET', `/v1/audit/events?participant=${frBuyer.id}&limit=2`, { key: auditor.key });
    expect(page.body.items).toHaveLength(2);
    const next = await market.request<{ items: { globalPosition: number }[] }>(
      'GET',
      `/v1/audit/events?participant=${frBuyer.id}&limit=2&after=${page.body.nextAfter}`,
      { key: auditor.key },
    );
    expect(next.body.items[0].globalPosition).toBeGreaterThan(page.body.items[1].globalPosition);
  });
});
