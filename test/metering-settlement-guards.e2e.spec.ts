import { randomUUID } from 'node:crypto';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  profile,
  RequestOptions,
  Response,
  siteBody,
} from './support/marketplace-fixture';
import { callerCredentials } from './support/anonymous-callers';
import {
  BODY_LIMIT_BYTES,
  expectProblem,
  fieldsOf,
  matrixCells,
  normaliseField,
} from './support/problem-assertions';

/**
 * The guards of metering and settlement (DESIGN §4), in the style of the marketplace's
 * authorization and bad-input specs: every caller × every metering/settlement endpoint, then
 * named bad inputs for usage reports, amendments and settlement periods. Every rejection is a
 * 4xx application/problem+json (with field-level `errors` for a 400) and writes nothing: the
 * event store's head is unchanged.
 *
 * One order of 10 GPUs × 4 h from 10:00 on 1 March 2027 at Cannes gives four allocations:
 *   A0 10:00  reported in setup; the matrix amends it
 *   A1 11:00  reported in setup; the bad amendments and the second report aim at it
 *   A2 12:00  unreported; the matrix's one successful report consumes it
 *   A3 13:00  unreported; every bad report aims at it, and a valid one is accepted at the end
 * March is closed in setup, so statements exist for the buyer, the producer and the host.
 */

type Method = 'GET' | 'POST';

interface Allocation {
  allocationId: string;
  siteId: string;
  slot: string;
  gpus: number;
}
interface Statement {
  statementId: string;
  partyId: string;
  role: string;
  total: number;
}

const CANNES = 'guards-cannes';
const DIJON = 'guards-dijon';
/** After March is over: the clock every test starts from. */
const NOW = '2027-04-02T00:00:00Z';
/** When A0 and A1 were reported (after all four slots started). */
const REPORTED_AT = '2027-03-01T14:05:00Z';

function expect400(response: Response, ...fields: string[]): void {
  expectProblem(response, 400);
  expect(response.body.errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ field: expect.any(String), message: expect.any(String) }),
    ]),
  );
  for (const field of fields) expect(fieldsOf(response)).toContain(normaliseField(field));
}

// ------------------------------------------------------------------ the callers

const CALLERS = [
  'a caller without an Authorization header',
  'a caller with a malformed Authorization header',
  'a caller with an unknown API key',
  'the operator',
  'the producer',
  'the host',
  'the buyer',
  'another buyer',
  "the allocation's site identity",
  "another site's identity",
  'an auditor',
] as const;
type CallerName = (typeof CALLERS)[number];

// prettier-ignore
/** One row per endpoint, one column per caller (in the order of CALLERS): the expected status. */
const MATRIX: [endpoint: string, ...statuses: number[]][] = [
  //                                                  none bad  unk  op   prod host buy  othB site othS aud
  ['POST /v1/usage',                                  401, 401, 401, 403, 403, 403, 403, 403, 201, 404, 403],
  ['POST /v1/usage/:allocationId/amendments',         401, 401, 401, 403, 403, 403, 403, 403, 201, 404, 403],
  ['POST /v1/settlements/:period/close',              401, 401, 401, 200, 403, 403, 403, 403, 403, 403, 403],
  ['GET /v1/settlements/:period/statements',          401, 401, 401, 200, 200, 200, 200, 200, 403, 403, 403],
  ['GET /v1/settlements/:period/running',             401, 401, 401, 200, 403, 403, 200, 200, 403, 403, 403],
];

const CELLS = matrixCells(
  CALLERS,
  MATRIX,
  "another site's allocation does not exist for the caller",
);

/** What one cell sends, prepared just before the call. */
interface Call {
  url: string;
  body?: unknown;
  /** Checks a successful answer beyond its status. */
  verify?: (response: Response, caller: CallerName) => void;
  /** A success that records nothing (a GET, or a close of a period already closed). */
  writesNothing?: boolean;
}

describe('metering and settlement guards: every caller and every bad input is refused without writing', () => {
  let market: Marketplace;
  const party = {} as Record<
    'host' | 'producer' | 'buyer' | 'otherBuyer' | 'auditor' | 'site' | 'otherSite',
    Party
  >;
  let allocations: Allocation[];
  let A0: Allocation;
  let A1: Allocation;
  let A2: Allocation;
  let A3: Allocation;
  let march: Statement[];

  const report = (allocation: Allocation, overrides: Record<string, unknown> = {}) => ({
    allocationId: allocation.allocationId,
    slot: allocation.slot,
    gpuHoursDelivered: 10,
    whConsumed: 8_400,
    heatWhRecovered: 0,
    ...overrides,
  });
  const amendment = (overrides: Record<string, unknown> = {}) => ({
    gpuHoursDelivered: 9,
    whConsumed: 7_560,
    heatWhRecovered: 0,
    reason: 'meter recalibrated',
    ...overrides,
  });
  const without = (body: Record<string, unknown>, field: string) => {
    const { [field]: _removed, ...rest } = body;
    return rest;
  };
  const amendments = (allocation: Allocation) => `/v1/usage/${allocation.allocationId}/amendments`;

  beforeAll(async () => {
    market = await Marketplace.boot();
    party.host = await market.participant(['host']);
    party.producer = await market.participant(['producer']);
    party.buyer = await market.participant(['buyer']);
    party.otherBuyer = await market.participant(['buyer']);
    party.auditor = await market.participant(['auditor']);
    await market.site(siteBody(CANNES, party.host.id, { reservePricePerGpuHour: 150 }));
    await market.agreement(CANNES, party.host.id, [party.producer.id]);
    await market.site(siteBody(DIJON, party.host.id, { location: { lat: 47.322, lon: 5.041 } }));
    party.site = await market.participant(['site'], { siteId: CANNES });
    party.otherSite = await market.participant(['site'], { siteId: DIJON });

    const offer = await market.request('POST', '/v1/energy-offers', {
      key: party.producer.key,
      body: offerBody([CANNES], { profile: profile('2027-03-01T10:00:00Z', 4, 100_000) }),
    });
    expect(offer.status).toBe(201);
    const order = await market.request('POST', '/v1/compute-orders', {
      key: party.buyer.key,
      body: orderBody({
        gpus: 10,
        hours: 4,
        earliestStart: '2027-03-01T10:00:00Z',
        deadline: '2027-03-01T14:00:00Z',
        maxPricePerGpuHour: 300,
      }),
    });
    expect(order.status).toBe(201);
    const run = await market.request('POST', '/v1/matching/runs', {
      body: { from: '2027-03-01T00:00:00Z', to: '2027-03-02T00:00:00Z' },
    });
    expect(run.body).toMatchObject({ allocationCount: 4 });
    allocations = (await market.request<{ items: Allocation[] }>('GET', '/v1/allocations')).body
      .items;
    expect(allocations.map((a) => [a.siteId, a.slot, a.gpus])).toEqual([
      [CANNES, '2027-03-01T10:00:00Z', 10],
      [CANNES, '2027-03-01T11:00:00Z', 10],
      [CANNES, '2027-03-01T12:00:00Z', 10],
      [CANNES, '2027-03-01T13:00:00Z', 10],
    ]);
    [A0, A1, A2, A3] = allocations;

    market.clock.set(REPORTED_AT);
    for (const allocation of [A0, A1]) {
      const reported = await market.request('POST', '/v1/usage', {
        key: party.site.key,
        body: report(allocation),
      });
      expect(reported.status).toBe(201);
    }
    market.clock.set(NOW);
    const closed = await market.request<{ items: Statement[] }>(
      'POST',
      '/v1/settlements/2027-03/close',
    );
    expect(closed.status).toBe(200);
    march = closed.body.items;
    expect(march.map((s) => s.role).sort()).toEqual(['buyer', 'host', 'platform', 'producer']);
  });
  afterAll(() => market.close());
  beforeEach(() => market.clock.set(NOW));

  // ================================================================== authorization

  function credentials(caller: CallerName): Pick<RequestOptions, 'key' | 'headers'> {
    return callerCredentials(caller, market.operatorKey, {
      'the operator': () => market.operatorKey,
      'the producer': () => party.producer.key,
      'the host': () => party.host.key,
      'the buyer': () => party.buyer.key,
      'another buyer': () => party.otherBuyer.key,
      "the allocation's site identity": () => party.site.key,
      "another site's identity": () => party.otherSite.key,
      'an auditor': () => party.auditor.key,
    });
  }

  const partyIdOf = (caller: CallerName): string | undefined =>
    ({
      'the producer': party.producer.id,
      'the host': party.host.id,
      'the buyer': party.buyer.id,
      'another buyer': party.otherBuyer.id,
    })[caller as string];

  const ENDPOINTS: Record<string, () => Call> = {
    'POST /v1/usage': () => ({
      url: '/v1/usage',
      body: report(A2),
      verify: (response) => {
        expect(response.body).toEqual({ id: A2.allocationId, revision: 0 });
        expect(response.headers.etag).toBe('"0"');
      },
    }),
    'POST /v1/usage/:allocationId/amendments': () => ({
      url: amendments(A0),
      body: amendment(),
      verify: (response) => {
        expect(response.body).toEqual({ id: A0.allocationId, revision: 1 });
        expect(response.headers.etag).toBe('"1"');
      },
    }),
    // February saw no allocation: closing it records the close (and no statement).
    'POST /v1/settlements/:period/close': () => ({
      url: '/v1/settlements/2027-02/close',
      verify: (response) => expect(response.body).toMatchObject({ period: '2027-02', items: [] }),
    }),
    'GET /v1/settlements/:period/statements': () => ({
      url: '/v1/settlements/2027-03/statements',
      writesNothing: true,
      verify: (response, caller) => {
        const items = response.body.items as Statement[];
        if (caller === 'the operator') expect(items).toEqual(march);
        else if (caller === 'another buyer') expect(items).toEqual([]);
        else expect(items.map((s) => s.partyId)).toEqual([partyIdOf(caller)]);
      },
    }),
    'GET /v1/settlements/:period/running': () => ({
      url: '/v1/settlements/2027-03/running',
      writesNothing: true,
      verify: (response, caller) => {
        const buyers = (response.body.items as { buyerId: string }[]).map((row) => row.buyerId);
        if (caller === 'another buyer') expect(buyers).toEqual([]);
        else expect(buyers).toEqual([party.buyer.id]);
      },
    }),
  };

  it('the matrix covers every metering and settlement endpoint exactly once', () => {
    expect(MATRIX.map(([endpoint]) => endpoint).sort()).toEqual(Object.keys(ENDPOINTS).sort());
    expect(CELLS).toHaveLength(Object.keys(ENDPOINTS).length * CALLERS.length);
  });

  it.each(CELLS)(
    '$endpoint, called by $caller → $status: $rule',
    async ({ endpoint, caller, status }) => {
      const [method] = endpoint.split(' ') as [Method];
      const call = ENDPOINTS[endpoint]();
      const before = await market.head();

      const { key, headers } = credentials(caller);
      const response = await market.request(method, call.url, {
        key,
        ...(headers ? { headers } : {}),
        ...(call.body !== undefined ? { body: call.body } : {}),
      });

      expect({ status: response.status, body: response.body }).toMatchObject({ status });
      if (status >= 400) {
        expectProblem(response, status);
        expect(response.body.errors).toBeUndefined();
        expect(await market.head()).toBe(before);
        return;
      }
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      if (call.writesNothing) expect(await market.head()).toBe(before);
      else expect(await market.head()).toBeGreaterThan(before);
      call.verify?.(response, caller);
    },
  );

  it.each([
    ['a caller without an Authorization header', 'POST', '/v1/usage', 401],
    ['a caller with an unknown API key', 'POST', '/v1/usage', 401],
    ['the buyer', 'POST', '/v1/usage', 403],
    ['the operator', 'POST', '/v1/usage', 403],
    ['the buyer', 'POST', '/v1/usage/no-such-allocation/amendments', 403],
    ['the buyer', 'POST', '/v1/settlements/2027-13/close', 403],
    ["the allocation's site identity", 'POST', '/v1/settlements/march/close', 403],
    ["the allocation's site identity", 'GET', '/v1/settlements/march/statements', 403],
    ['an auditor', 'GET', '/v1/settlements/27-03/running', 403],
    ['the producer', 'GET', '/v1/settlements/2027-3/running', 403],
    ['a caller without an Authorization header', 'GET', '/v1/settlements/2027-13/statements', 401],
  ] as const)(
    '%s gets %s %s → %d even with invalid input: authorization is decided before validation',
    async (caller, method, url, status) => {
      const before = await market.head();
      const response = await market.request(method, url, {
        ...credentials(caller),
        ...(method === 'POST' && url.startsWith('/v1/usage')
          ? { body: { gpuHoursDelivered: 'lots', extra: true } }
          : {}),
      });
      expect(response.status).toBe(status);
      expectProblem(response, status);
      expect(response.body.errors).toBeUndefined();
      expect(await market.head()).toBe(before);
    },
  );

  interface Foreign {
    /** The allocation of the Cannes site that Dijon's site identity aims at. */
    allocation: () => Allocation;
    url: (allocationId: string) => string;
    body: (allocationId: string) => Record<string, unknown>;
  }
  const FOREIGN: [what: string, foreign: Foreign][] = [
    [
      'a report',
      {
        allocation: () => A3,
        url: () => '/v1/usage',
        body: (allocationId) => report(A3, { allocationId }),
      },
    ],
    [
      'an amendment',
      {
        allocation: () => A1,
        url: (allocationId) => `/v1/usage/${allocationId}/amendments`,
        body: () => amendment(),
      },
    ],
  ];

  it.each(FOREIGN)(
    "%s of another site's allocation answers exactly as for an allocation that does not exist",
    async (_what, { allocation, url, body }) => {
      const before = await market.head();
      const target = allocation().allocationId;
      const missingId = randomUUID();
      const existing = await market.request('POST', url(target), {
        key: party.otherSite.key,
        body: body(target),
      });
      const missing = await market.request('POST', url(missingId), {
        key: party.otherSite.key,
        body: body(missingId),
      });
      const normalise = (response: Response, id: string) =>
        JSON.parse(JSON.stringify(response.body).split(id).join('<id>'));
      expect(missing.status).toBe(404);
      expectProblem(missing, 404);
      expect({ status: existing.status, body: normalise(existing, target) }).toEqual({
        status: 404,
        body: normalise(missing, missingId),
      });
      expect(await market.head()).toBe(before);
    },
  );

  // ================================================================== bad input

  interface Case {
    name: string;
    method: Method;
    url: () => string;
    key?: () => string;
    body?: () => unknown;
    raw?: () => string;
    headers?: Record<string, string>;
    /** The clock when the request is made. */
    at?: string;
    status: number;
    /** For a 400: the fields its errors must name (none for malformed JSON). */
    fields?: string[];
  }

  const asSite = () => party.site.key;
  const usage = () => '/v1/usage';
  const amendA1 = () => amendments(A1);

  // One line per case: the table reads as a list of rules.
  // prettier-ignore
  const CASES: Case[] = [
    // ---- usage reports: shape of the body
    { name: 'POST /v1/usage: gpuHoursDelivered as a numeric string', method: 'POST', url: usage, body: () => report(A3, { gpuHoursDelivered: '10' }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage: whConsumed as a boolean', method: 'POST', url: usage, body: () => report(A3, { whConsumed: true }), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage: heatWhRecovered as null', method: 'POST', url: usage, body: () => report(A3, { heatWhRecovered: null }), status: 400, fields: ['heatWhRecovered'] },
    { name: 'POST /v1/usage: whConsumed as an object', method: 'POST', url: usage, body: () => report(A3, { whConsumed: { wh: 8400 } }), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage: allocationId as a number', method: 'POST', url: usage, body: () => report(A3, { allocationId: 42 }), status: 400, fields: ['allocationId'] },
    { name: 'POST /v1/usage: slot as a number', method: 'POST', url: usage, body: () => report(A3, { slot: Date.parse(A3.slot) }), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: required allocationId missing', method: 'POST', url: usage, body: () => without(report(A3), 'allocationId'), status: 400, fields: ['allocationId'] },
    { name: 'POST /v1/usage: required slot missing', method: 'POST', url: usage, body: () => without(report(A3), 'slot'), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: required gpuHoursDelivered missing', method: 'POST', url: usage, body: () => without(report(A3), 'gpuHoursDelivered'), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage: required whConsumed missing', method: 'POST', url: usage, body: () => without(report(A3), 'whConsumed'), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage: required heatWhRecovered missing', method: 'POST', url: usage, body: () => without(report(A3), 'heatWhRecovered'), status: 400, fields: ['heatWhRecovered'] },
    { name: 'POST /v1/usage: an empty object lists every required field', method: 'POST', url: usage, body: () => ({}), status: 400, fields: ['allocationId', 'slot', 'gpuHoursDelivered', 'whConsumed', 'heatWhRecovered'] },
    { name: 'POST /v1/usage: unknown top-level field', method: 'POST', url: usage, body: () => report(A3, { meterSerial: 'M-17' }), status: 400, fields: ['meterSerial'] },
    { name: 'POST /v1/usage: siteId in the body (the site comes from the API key)', method: 'POST', url: usage, body: () => report(A3, { siteId: DIJON }), status: 400, fields: ['siteId'] },
    { name: 'POST /v1/usage: buyerId in the body (copied from the allocation)', method: 'POST', url: usage, body: () => report(A3, { buyerId: 'someone-else' }), status: 400, fields: ['buyerId'] },
    { name: 'POST /v1/usage: reportedAt in the body (the server stamps it)', method: 'POST', url: usage, body: () => report(A3, { reportedAt: '2027-03-01T14:00:00Z' }), status: 400, fields: ['reportedAt'] },
    { name: 'POST /v1/usage: body wrapped in an array', method: 'POST', url: usage, body: () => [report(A3)], status: 400, fields: ['0'] },
    { name: 'POST /v1/usage: JSON null as the body', method: 'POST', url: usage, raw: () => 'null', status: 400, fields: ['allocationId'] },
    { name: 'POST /v1/usage: malformed JSON (no field to name)', method: 'POST', url: usage, raw: () => `{"allocationId": "${A3.allocationId}", "slot": `, status: 400 },
    { name: 'POST /v1/usage: JSON with single quotes (no field to name)', method: 'POST', url: usage, raw: () => "{'gpuHoursDelivered': 10}", status: 400 },
    { name: 'POST /v1/usage: body over the 256 KiB limit', method: 'POST', url: usage, body: () => report(A3, { allocationId: 'x'.repeat(BODY_LIMIT_BYTES + 1) }), status: 413 },
    { name: 'POST /v1/usage: JSON sent as text/plain', method: 'POST', url: usage, raw: () => JSON.stringify(report(A3)), headers: { 'content-type': 'text/plain' }, status: 415 },
    { name: 'POST /v1/usage: bad Idempotency-Key (contains a space)', method: 'POST', url: usage, body: () => report(A3), headers: { 'idempotency-key': 'two words' }, status: 400, fields: ['Idempotency-Key'] },

    // ---- usage reports: figures
    { name: 'POST /v1/usage: negative GPU-hours', method: 'POST', url: usage, body: () => report(A3, { gpuHoursDelivered: -1 }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage: fractional GPU-hours', method: 'POST', url: usage, body: () => report(A3, { gpuHoursDelivered: 9.5 }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage: GPU-hours beyond any integer (1e20)', method: 'POST', url: usage, body: () => report(A3, { gpuHoursDelivered: 1e20 }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage: GPU-hours above the 10 GPUs allocated', method: 'POST', url: usage, body: () => report(A3, { gpuHoursDelivered: 11 }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage: negative Wh consumed', method: 'POST', url: usage, body: () => report(A3, { whConsumed: -8_400 }), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage: fractional Wh consumed', method: 'POST', url: usage, body: () => report(A3, { whConsumed: 8_400.5 }), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage: Wh consumed beyond the per-slot bound (1e11)', method: 'POST', url: usage, body: () => report(A3, { whConsumed: 1e11 }), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage: negative heat recovered', method: 'POST', url: usage, body: () => report(A3, { heatWhRecovered: -1 }), status: 400, fields: ['heatWhRecovered'] },
    { name: 'POST /v1/usage: fractional heat recovered', method: 'POST', url: usage, body: () => report(A3, { heatWhRecovered: 0.25 }), status: 400, fields: ['heatWhRecovered'] },
    { name: 'POST /v1/usage: heat recovered above the energy consumed', method: 'POST', url: usage, body: () => report(A3, { whConsumed: 8_400, heatWhRecovered: 8_401 }), status: 400, fields: ['heatWhRecovered'] },
    { name: 'POST /v1/usage: several figures of the wrong type are all listed at once', method: 'POST', url: usage, body: () => report(A3, { gpuHoursDelivered: '1', whConsumed: 0.5, heatWhRecovered: null }), status: 400, fields: ['gpuHoursDelivered', 'whConsumed', 'heatWhRecovered'] },
    { name: 'POST /v1/usage: several figures out of range are all listed at once', method: 'POST', url: usage, body: () => report(A3, { gpuHoursDelivered: -1, whConsumed: -5, heatWhRecovered: -3 }), status: 400, fields: ['gpuHoursDelivered', 'whConsumed', 'heatWhRecovered'] },

    // ---- usage reports: the allocation and its slot
    { name: "POST /v1/usage: a slot that is not the allocation's (the next hour)", method: 'POST', url: usage, body: () => report(A3, { slot: '2027-03-01T14:00:00Z' }), status: 400, fields: ['slot'] },
    { name: "POST /v1/usage: a slot of another allocation of the same order", method: 'POST', url: usage, body: () => report(A3, { slot: A2.slot }), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: slot not on a whole hour', method: 'POST', url: usage, body: () => report(A3, { slot: '2027-03-01T13:30:00Z' }), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: slot not in UTC (the same instant with an offset)', method: 'POST', url: usage, body: () => report(A3, { slot: '2027-03-01T14:00:00+01:00' }), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: slot without a time zone', method: 'POST', url: usage, body: () => report(A3, { slot: '2027-03-01T13:00:00' }), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: slot over 32 characters', method: 'POST', url: usage, body: () => report(A3, { slot: `${A3.slot}${' '.repeat(32)}` }), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: a slot that has not started yet (one second before)', method: 'POST', url: usage, at: '2027-03-01T12:59:59Z', body: () => report(A3), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: a slot that has not started yet (the day before)', method: 'POST', url: usage, at: '2027-02-28T13:00:00Z', body: () => report(A3), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage: a second report of the same allocation (same figures)', method: 'POST', url: usage, body: () => report(A1), status: 409 },
    { name: 'POST /v1/usage: a second report of the same allocation (other figures)', method: 'POST', url: usage, body: () => report(A1, { gpuHoursDelivered: 7, whConsumed: 5_880 }), status: 409 },
    { name: 'POST /v1/usage: an allocation that does not exist', method: 'POST', url: usage, body: () => report(A3, { allocationId: randomUUID() }), status: 404 },
    { name: 'POST /v1/usage: an allocationId that is not an id (spaces)', method: 'POST', url: usage, body: () => report(A3, { allocationId: 'not an id' }), status: 400, fields: ['allocationId'] },
    { name: 'POST /v1/usage: an allocationId over 128 characters', method: 'POST', url: usage, body: () => report(A3, { allocationId: 'a'.repeat(129) }), status: 400, fields: ['allocationId'] },

    // ---- amendments
    { name: 'POST /v1/usage/:id/amendments: before any report of the allocation', method: 'POST', url: () => amendments(A3), body: () => amendment(), status: 409 },
    { name: 'POST /v1/usage/:id/amendments: an allocation that does not exist', method: 'POST', url: () => `/v1/usage/${randomUUID()}/amendments`, body: () => amendment(), status: 404 },
    { name: 'POST /v1/usage/:id/amendments: an allocation id that is not an id', method: 'POST', url: () => '/v1/usage/not%20an%20id/amendments', body: () => amendment(), status: 400, fields: ['allocationId'] },
    { name: 'POST /v1/usage/:id/amendments: GPU-hours as a string', method: 'POST', url: amendA1, body: () => amendment({ gpuHoursDelivered: '9' }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage/:id/amendments: negative GPU-hours', method: 'POST', url: amendA1, body: () => amendment({ gpuHoursDelivered: -1 }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage/:id/amendments: fractional GPU-hours', method: 'POST', url: amendA1, body: () => amendment({ gpuHoursDelivered: 8.5 }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage/:id/amendments: GPU-hours above the 10 GPUs allocated', method: 'POST', url: amendA1, body: () => amendment({ gpuHoursDelivered: 11 }), status: 400, fields: ['gpuHoursDelivered'] },
    { name: 'POST /v1/usage/:id/amendments: negative Wh consumed', method: 'POST', url: amendA1, body: () => amendment({ whConsumed: -1 }), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage/:id/amendments: fractional Wh consumed', method: 'POST', url: amendA1, body: () => amendment({ whConsumed: 7_560.5 }), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage/:id/amendments: heat recovered above the energy consumed', method: 'POST', url: amendA1, body: () => amendment({ whConsumed: 100, heatWhRecovered: 101 }), status: 400, fields: ['heatWhRecovered'] },
    { name: 'POST /v1/usage/:id/amendments: required reason missing', method: 'POST', url: amendA1, body: () => without(amendment(), 'reason'), status: 400, fields: ['reason'] },
    { name: 'POST /v1/usage/:id/amendments: empty reason', method: 'POST', url: amendA1, body: () => amendment({ reason: '' }), status: 400, fields: ['reason'] },
    { name: 'POST /v1/usage/:id/amendments: blank reason', method: 'POST', url: amendA1, body: () => amendment({ reason: '   ' }), status: 400, fields: ['reason'] },
    { name: 'POST /v1/usage/:id/amendments: reason over 200 characters', method: 'POST', url: amendA1, body: () => amendment({ reason: 'r'.repeat(201) }), status: 400, fields: ['reason'] },
    { name: 'POST /v1/usage/:id/amendments: reason as a number', method: 'POST', url: amendA1, body: () => amendment({ reason: 7 }), status: 400, fields: ['reason'] },
    { name: 'POST /v1/usage/:id/amendments: required whConsumed missing', method: 'POST', url: amendA1, body: () => without(amendment(), 'whConsumed'), status: 400, fields: ['whConsumed'] },
    { name: 'POST /v1/usage/:id/amendments: an empty object lists every required field', method: 'POST', url: amendA1, body: () => ({}), status: 400, fields: ['gpuHoursDelivered', 'whConsumed', 'heatWhRecovered', 'reason'] },
    { name: 'POST /v1/usage/:id/amendments: unknown field', method: 'POST', url: amendA1, body: () => amendment({ approvedBy: 'ops' }), status: 400, fields: ['approvedBy'] },
    { name: 'POST /v1/usage/:id/amendments: the slot cannot be amended', method: 'POST', url: amendA1, body: () => amendment({ slot: A1.slot }), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage/:id/amendments: allocationId in the body (it is the path)', method: 'POST', url: amendA1, body: () => amendment({ allocationId: A1.allocationId }), status: 400, fields: ['allocationId'] },
    { name: 'POST /v1/usage/:id/amendments: earlier than the figures it corrects', method: 'POST', url: amendA1, at: '2027-03-01T14:04:59Z', body: () => amendment(), status: 400, fields: ['slot'] },
    { name: 'POST /v1/usage/:id/amendments: malformed JSON (no field to name)', method: 'POST', url: amendA1, raw: () => '{"gpuHoursDelivered": 9,,}', status: 400 },
    { name: 'POST /v1/usage/:id/amendments: body over the 256 KiB limit', method: 'POST', url: amendA1, body: () => amendment({ reason: 'r'.repeat(BODY_LIMIT_BYTES + 1) }), status: 413 },
    { name: 'POST /v1/usage/:id/amendments: body wrapped in an array', method: 'POST', url: amendA1, body: () => [amendment()], status: 400, fields: ['0'] },
  ];

  it.each(CASES)('$name → $status problem+json, nothing written', async (c) => {
    if (c.at) market.clock.set(c.at);
    const before = await market.head();
    const options: RequestOptions = {
      key: (c.key ?? asSite)(),
      ...(c.headers ? { headers: { ...c.headers } } : {}),
    };
    if (c.body) options.body = c.body();
    if (c.raw) options.raw = c.raw();

    const response = await market.request(c.method, c.url(), options);

    expect({ status: response.status, body: response.body }).toMatchObject({ status: c.status });
    expectProblem(response, c.status);
    if (c.status === 400 && c.fields) expect400(response, ...c.fields);
    if (c.status !== 400) expect(response.body.errors).toBeUndefined();
    expect(await market.head()).toBe(before);
  });

  it('every named 400 names its fields, except malformed JSON (the table is consistent)', () => {
    for (const c of CASES) {
      const malformed = /malformed JSON|single quotes/.test(c.name);
      if (c.status === 400)
        expect({ name: c.name, named: c.fields !== undefined }).toEqual({
          name: c.name,
          named: !malformed,
        });
    }
  });

  it('an amendment with the figures already recorded writes nothing and says so: the revision is unchanged', async () => {
    const before = await market.head();
    const response = await market.request('POST', amendA1(), {
      key: party.site.key,
      body: amendment({
        gpuHoursDelivered: 10,
        whConsumed: 8_400,
        heatWhRecovered: 0,
        reason: 'no change',
      }),
    });
    // A success (the API answers 201, as for any amendment): what says that nothing was recorded
    // is the revision, which stays the report's.
    expect([200, 201]).toContain(response.status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    // A1's report is revision 0 of its stream: an amendment that records nothing leaves it there.
    expect(response.body).toEqual({ id: A1.allocationId, revision: 0 });
    expect(response.headers.etag).toBe('"0"');
    expect(await market.head()).toBe(before);
  });

  // ================================================================== settlement periods

  const MALFORMED_PERIODS = [
    '2027-13',
    '27-03',
    '2027-3',
    'march',
    '2027-00',
    '2027-03-01',
    '202703',
    '02-2027',
    '2027_03',
    '12027-03',
    '2027-03\n',
    ' 2027-03',
    '2027-03 ',
    '２０２７-03',
  ];

  const PERIOD_ENDPOINTS = [
    ['POST', 'close'],
    ['GET', 'statements'],
    ['GET', 'running'],
  ] as const;

  it.each(
    PERIOD_ENDPOINTS.flatMap(([method, what]) =>
      MALFORMED_PERIODS.map((period) => [method, what, period] as const),
    ),
  )(
    '%s /v1/settlements/%s with the malformed period %j → 400 naming period, nothing written',
    async (method, what, period) => {
      const before = await market.head();
      const response = await market.request(
        method,
        `/v1/settlements/${encodeURIComponent(period)}/${what}`,
      );
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 400 });
      expect400(response, 'period');
      expect(await market.head()).toBe(before);
    },
  );

  it.each([
    ['the current month', '2027-04', NOW],
    ['the current month, one second before it ends', '2027-04', '2027-04-30T23:59:59Z'],
    ['a month in the future', '2027-09', NOW],
    ['the last month there can be', '9999-12', NOW],
  ])(
    'closing %s (%s, at %s) → 409: the period is not over, nothing written',
    async (_what, period, at) => {
      market.clock.set(at);
      const before = await market.head();
      const response = await market.request('POST', `/v1/settlements/${period}/close`);
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 409 });
      expectProblem(response, 409);
      expect(response.body.errors).toBeUndefined();
      expect(await market.head()).toBe(before);
    },
  );

  it.each([
    ['the operator', () => market.operatorKey],
    ['the buyer', () => party.buyer.key],
    ['the producer', () => party.producer.key],
    ['the host', () => party.host.key],
  ])(
    'a period never closed: %s gets 200 and an empty list of statements, nothing written',
    async (_who, key) => {
      const before = await market.head();
      const response = await market.request('GET', '/v1/settlements/2027-05/statements', {
        key: key(),
      });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toMatchObject({ period: '2027-05', items: [] });
      expect(response.body.closed).toBeFalsy();
      expect(await market.head()).toBe(before);
    },
  );

  it.each([
    ['the operator', () => market.operatorKey],
    ['the buyer', () => party.buyer.key],
  ])(
    'a period with no usage: %s gets 200 and no running charges, nothing written',
    async (_who, key) => {
      const before = await market.head();
      const response = await market.request('GET', '/v1/settlements/2027-05/running', {
        key: key(),
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ period: '2027-05', items: [] });
      expect(await market.head()).toBe(before);
    },
  );

  it('closing March again returns the statements of the first close and writes nothing', async () => {
    const before = await market.head();
    const again = await market.request<{ items: Statement[] }>(
      'POST',
      '/v1/settlements/2027-03/close',
    );
    expect(again.status).toBe(200);
    expect(again.body.items).toEqual(march);
    expect(await market.head()).toBe(before);
  });

  it('closing February again (the matrix closed it, with no statement) writes nothing', async () => {
    const before = await market.head();
    const again = await market.request('POST', '/v1/settlements/2027-02/close');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ period: '2027-02', items: [] });
    expect(await market.head()).toBe(before);
  });

  it('closing March again, even much later, still writes nothing', async () => {
    market.clock.set('2028-01-15T00:00:00Z');
    const before = await market.head();
    const again = await market.request<{ items: Statement[] }>(
      'POST',
      '/v1/settlements/2027-03/close',
    );
    expect(again.status).toBe(200);
    expect(again.body.items).toEqual(march);
    expect(await market.head()).toBe(before);
  });

  // ================================================================== controls

  it('the valid report the bad ones were derived from is accepted for A3 afterwards (they were refused for their mistake only)', async () => {
    const before = await market.head();
    const response = await market.request('POST', '/v1/usage', {
      key: party.site.key,
      body: report(A3),
    });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 201,
      body: { id: A3.allocationId, revision: 0 },
    });
    expect(await market.head()).toBeGreaterThan(before);
  });

  it('the valid amendment the bad ones were derived from is accepted for A1 afterwards', async () => {
    const before = await market.head();
    const response = await market.request('POST', amendA1(), {
      key: party.site.key,
      body: amendment(),
    });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 201,
      body: { id: A1.allocationId, revision: 1 },
    });
    expect(await market.head()).toBeGreaterThan(before);
  });
});
