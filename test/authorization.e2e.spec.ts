import { randomUUID } from 'node:crypto';
import {
  Marketplace,
  offerBody,
  orderBody,
  Party,
  RequestOptions,
  Response,
  siteBody,
} from './support/marketplace-fixture';
import { callerCredentials } from './support/anonymous-callers';
import { matrixCells } from './support/problem-assertions';

/**
 * Every role/ownership combination of the marketplace endpoints (DESIGN §4): 401 without a
 * valid key, 403 for a role the route does not allow, 404 for another party's offer or order
 * (its existence is never revealed, for reads and writes alike), success otherwise. Every body
 * is valid, so a rejection can only come from authentication or authorization.
 */

const CALLERS = [
  'a caller without an Authorization header',
  'a caller with a malformed Authorization header',
  'a caller with an unknown API key',
  'the operator',
  'the producer owning the offer',
  'another producer',
  'a host',
  'the buyer owning the order',
  'another buyer',
  'a site identity',
  'an auditor',
] as const;
type CallerName = (typeof CALLERS)[number];

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

// prettier-ignore
/** One row per endpoint, one column per caller (in the order of CALLERS): the expected status. */
const MATRIX: [endpoint: string, ...statuses: number[]][] = [
  //                                            none bad  unk  op   ownP othP host ownB othB site aud
  ['POST /v1/participants',                     401, 401, 401, 201, 403, 403, 403, 403, 403, 403, 403],
  ['POST /v1/sites',                            401, 401, 401, 201, 403, 403, 403, 403, 403, 403, 403],
  ['PATCH /v1/sites/:id',                       401, 401, 401, 200, 403, 403, 403, 403, 403, 403, 403],
  ['POST /v1/sites/:id/maintenance',            401, 401, 401, 201, 403, 403, 403, 403, 403, 403, 403],
  ['PUT /v1/sites/:id/agreement',               401, 401, 401, 200, 403, 403, 403, 403, 403, 403, 403],
  ['GET /v1/sites',                             401, 401, 401, 200, 200, 200, 200, 200, 200, 200, 200],
  ['GET /v1/sites/:id',                         401, 401, 401, 200, 200, 200, 200, 200, 200, 200, 200],
  ['POST /v1/energy-offers',                    401, 401, 401, 403, 201, 201, 403, 403, 403, 403, 403],
  ['PATCH /v1/energy-offers/:id',               401, 401, 401, 403, 200, 404, 403, 403, 403, 403, 403],
  ['DELETE /v1/energy-offers/:id',              401, 401, 401, 403, 200, 404, 403, 403, 403, 403, 403],
  ['POST /v1/energy-offers/:id/curtailments',   401, 401, 401, 403, 201, 404, 403, 403, 403, 403, 403],
  ['GET /v1/energy-offers',                     401, 401, 401, 200, 200, 200, 403, 403, 403, 403, 403],
  ['GET /v1/energy-offers/:id',                 401, 401, 401, 200, 200, 404, 403, 403, 403, 403, 403],
  ['POST /v1/compute-orders',                   401, 401, 401, 403, 403, 403, 403, 201, 201, 403, 403],
  ['DELETE /v1/compute-orders/:id',             401, 401, 401, 403, 403, 403, 403, 200, 404, 403, 403],
  ['GET /v1/compute-orders',                    401, 401, 401, 200, 403, 403, 403, 200, 200, 403, 403],
  ['GET /v1/compute-orders/:id',                401, 401, 401, 200, 403, 403, 403, 200, 404, 403, 403],
  ['POST /v1/quotes',                           401, 401, 401, 403, 403, 403, 403, 200, 200, 403, 403],
  ['GET /v1/market/prices',                     401, 401, 401, 200, 200, 200, 200, 200, 200, 200, 200],
  ['GET /v1/market/depth',                      401, 401, 401, 200, 200, 200, 200, 200, 200, 200, 200],
  ['GET /v1/market/capacity',                   401, 401, 401, 200, 200, 200, 200, 200, 200, 200, 200],
];

const CELLS = matrixCells(
  CALLERS,
  MATRIX,
  "another party's resource does not exist for the caller",
);

/** What one cell sends, prepared just before the call (fresh resources for writes). */
interface Call {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Checks a successful answer beyond its status. */
  verify?: (response: Response, caller: CallerName) => void;
  /** A POST that answers without writing (a quote). */
  writesNothing?: boolean;
  cleanup?: () => void;
}

const SITE = 'auth-site';
const ORIGINAL_TIME = '2027-02-01T00:00:00Z';

describe('authorization: every role and ownership combination of the marketplace endpoints', () => {
  let market: Marketplace;
  const party = {} as Record<
    'host' | 'producer' | 'otherProducer' | 'buyer' | 'otherBuyer' | 'site' | 'auditor',
    Party
  >;
  /** An offer of the owning producer and an order of the owning buyer that reads look at. */
  let sharedOfferId: string;
  let sharedOrderId: string;

  beforeAll(async () => {
    market = await Marketplace.boot();
    party.host = await market.participant(['host']);
    party.producer = await market.participant(['producer']);
    party.otherProducer = await market.participant(['producer']);
    party.buyer = await market.participant(['buyer']);
    party.otherBuyer = await market.participant(['buyer']);
    party.auditor = await market.participant(['auditor']);
    await market.site(siteBody(SITE, party.host.id));
    await market.agreement(SITE, party.host.id, [party.producer.id, party.otherProducer.id]);
    party.site = await market.participant(['site'], { siteId: SITE });
    sharedOfferId = await newOffer();
    sharedOrderId = await newOrder();
  });
  afterAll(() => market.close());
  afterEach(() => market.clock.set(ORIGINAL_TIME));

  async function newOffer(): Promise<string> {
    const response = await market.request<{ id: string }>('POST', '/v1/energy-offers', {
      key: party.producer.key,
      body: offerBody([SITE]),
    });
    if (response.status !== 201) throw new Error(`offer: ${JSON.stringify(response.body)}`);
    return response.body.id;
  }

  async function newOrder(): Promise<string> {
    const response = await market.request<{ id: string }>('POST', '/v1/compute-orders', {
      key: party.buyer.key,
      body: orderBody(),
    });
    if (response.status !== 201) throw new Error(`order: ${JSON.stringify(response.body)}`);
    return response.body.id;
  }

  async function revisionOf(url: string, key: string): Promise<string> {
    const response = await market.request<{ revision: number }>('GET', url, { key });
    return String(response.body.revision);
  }

  function credentials(caller: CallerName): Pick<RequestOptions, 'key' | 'headers'> {
    return callerCredentials(caller, market.operatorKey, {
      'the operator': () => market.operatorKey,
      'the producer owning the offer': () => party.producer.key,
      'another producer': () => party.otherProducer.key,
      'a host': () => party.host.key,
      'the buyer owning the order': () => party.buyer.key,
      'another buyer': () => party.otherBuyer.key,
      'a site identity': () => party.site.key,
      'an auditor': () => party.auditor.key,
    });
  }

  const listed = (response: Response) =>
    (response.body.items as { id: string }[]).map((item) => item.id);

  const ENDPOINTS: Record<string, () => Promise<Call>> = {
    'POST /v1/participants': async () => ({
      url: '/v1/participants',
      body: { name: `Auth ${randomUUID().slice(0, 8)}`, roles: ['buyer'], country: 'FR' },
      verify: (response) => expect(response.body.apiKey).toEqual(expect.any(String)),
    }),
    'POST /v1/sites': async () => ({
      url: '/v1/sites',
      body: siteBody(`auth-${randomUUID().slice(0, 8)}`, party.host.id),
    }),
    'PATCH /v1/sites/:id': async () => ({
      url: `/v1/sites/${SITE}`,
      body: { name: `Auth site ${randomUUID().slice(0, 8)}` },
      headers: { 'if-match': await revisionOf(`/v1/sites/${SITE}`, market.operatorKey) },
    }),
    'POST /v1/sites/:id/maintenance': async () => ({
      url: `/v1/sites/${SITE}/maintenance`,
      body: { from: '2027-04-01T00:00:00Z', to: '2027-04-01T04:00:00Z', gpusOffline: 1 },
    }),
    'PUT /v1/sites/:id/agreement': async () => ({
      url: `/v1/sites/${SITE}/agreement`,
      body: {
        effectiveFrom: '2027-01-01T00:00:00Z',
        hostParticipantId: party.host.id,
        producers: [
          { participantId: party.producer.id },
          { participantId: party.otherProducer.id },
        ],
        producersShareBps: 7000,
        hostShareBps: 3000,
      },
    }),
    'GET /v1/sites': async () => ({
      url: '/v1/sites',
      verify: (response) => expect(listed(response)).toContain(SITE),
    }),
    'GET /v1/sites/:id': async () => ({
      url: `/v1/sites/${SITE}`,
      verify: (response) => expect(response.body).toMatchObject({ id: SITE, gpuCount: 100 }),
    }),
    'POST /v1/energy-offers': async () => ({ url: '/v1/energy-offers', body: offerBody([SITE]) }),
    'PATCH /v1/energy-offers/:id': async () => {
      const id = await newOffer();
      return {
        url: `/v1/energy-offers/${id}`,
        body: { profile: [{ slot: '2027-03-01T10:00:00Z', wh: 40_000 }] },
        headers: { 'if-match': await revisionOf(`/v1/energy-offers/${id}`, party.producer.key) },
      };
    },
    'DELETE /v1/energy-offers/:id': async () => ({ url: `/v1/energy-offers/${await newOffer()}` }),
    'POST /v1/energy-offers/:id/curtailments': async () => {
      const id = await newOffer();
      // A curtailment is reported once its slot has started.
      market.clock.set('2027-03-01T13:05:00Z');
      return {
        url: `/v1/energy-offers/${id}/curtailments`,
        body: { slot: '2027-03-01T12:00:00Z', whCurtailed: 30_000 },
      };
    },
    'GET /v1/energy-offers': async () => ({
      url: '/v1/energy-offers',
      verify: (response, caller) => {
        if (caller === 'another producer') expect(listed(response)).not.toContain(sharedOfferId);
        else expect(listed(response)).toContain(sharedOfferId);
      },
    }),
    'GET /v1/energy-offers/:id': async () => ({
      url: `/v1/energy-offers/${sharedOfferId}`,
      verify: (response) =>
        expect(response.body).toMatchObject({ id: sharedOfferId, producerId: party.producer.id }),
    }),
    'POST /v1/compute-orders': async () => ({ url: '/v1/compute-orders', body: orderBody() }),
    'DELETE /v1/compute-orders/:id': async () => ({
      url: `/v1/compute-orders/${await newOrder()}`,
    }),
    'GET /v1/compute-orders': async () => ({
      url: '/v1/compute-orders',
      verify: (response, caller) => {
        if (caller === 'another buyer') expect(listed(response)).not.toContain(sharedOrderId);
        else expect(listed(response)).toContain(sharedOrderId);
      },
    }),
    'GET /v1/compute-orders/:id': async () => ({
      url: `/v1/compute-orders/${sharedOrderId}`,
      verify: (response) =>
        expect(response.body).toMatchObject({ id: sharedOrderId, buyerId: party.buyer.id }),
    }),
    'POST /v1/quotes': async () => ({
      url: '/v1/quotes',
      body: orderBody(),
      writesNothing: true,
      verify: (response) => expect(response.body).toMatchObject({ indicative: true }),
    }),
    'GET /v1/market/prices': async () => ({
      url: '/v1/market/prices?from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z',
    }),
    'GET /v1/market/depth': async () => ({
      url: '/v1/market/depth?from=2027-03-01T00:00:00Z&to=2027-03-01T06:00:00Z',
    }),
    'GET /v1/market/capacity': async () => ({
      url: '/v1/market/capacity?from=2027-03-01T00:00:00Z&to=2027-03-01T06:00:00Z',
    }),
  };

  it('the matrix covers every endpoint of the brief exactly once', () => {
    expect(MATRIX.map(([endpoint]) => endpoint).sort()).toEqual(Object.keys(ENDPOINTS).sort());
    expect(CELLS).toHaveLength(Object.keys(ENDPOINTS).length * CALLERS.length);
  });

  it.each(CELLS)(
    '$endpoint, called by $caller → $status: $rule',
    async ({ endpoint, caller, status }) => {
      const [method] = endpoint.split(' ') as [Method];
      const call = await ENDPOINTS[endpoint]();
      const before = await market.head();

      const { key, headers } = credentials(caller);
      const response = await market.request(method, call.url, {
        key,
        headers: { ...(call.headers ?? {}), ...(headers ?? {}) },
        ...(call.body !== undefined ? { body: call.body } : {}),
      });

      expect({ status: response.status, body: response.body }).toMatchObject({ status });
      if (status >= 400) {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({
          type: expect.any(String),
          title: expect.any(String),
          status,
        });
        expect(await market.head()).toBe(before);
        return;
      }
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      if (method === 'GET' || call.writesNothing) expect(await market.head()).toBe(before);
      else expect(await market.head()).toBeGreaterThan(before);
      call.verify?.(response, caller);
    },
  );

  it.each([
    ['a caller without an Authorization header', 401],
    ['a caller with an unknown API key', 401],
    ['the buyer owning the order', 403],
  ] as const)(
    '%s gets %d even with an invalid body: authorization is decided before validation',
    async (caller, status) => {
      const before = await market.head();
      const response = await market.request('POST', '/v1/sites', {
        ...credentials(caller),
        body: { gpuCount: 'many' },
      });
      expect(response.status).toBe(status);
      expect(response.body.errors).toBeUndefined();
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await market.head()).toBe(before);
    },
  );

  it.each([
    [
      'PATCH',
      'energy offer',
      () => `/v1/energy-offers/${sharedOfferId}`,
      () => party.otherProducer.key,
    ],
    [
      'GET',
      'energy offer',
      () => `/v1/energy-offers/${sharedOfferId}`,
      () => party.otherProducer.key,
    ],
    [
      'DELETE',
      'energy offer',
      () => `/v1/energy-offers/${sharedOfferId}`,
      () => party.otherProducer.key,
    ],
    [
      'GET',
      'compute order',
      () => `/v1/compute-orders/${sharedOrderId}`,
      () => party.otherBuyer.key,
    ],
    [
      'DELETE',
      'compute order',
      () => `/v1/compute-orders/${sharedOrderId}`,
      () => party.otherBuyer.key,
    ],
  ] as const)(
    "%s of another party's %s answers exactly as for an id that does not exist",
    async (method, _what, url, key) => {
      const body =
        method === 'PATCH' ? { profile: [{ slot: '2027-03-01T10:00:00Z', wh: 1 }] } : undefined;
      const existing = await market.request(method, url(), { key: key(), body });
      const missingUrl = url().replace(/[^/]+$/, randomUUID());
      const missing = await market.request(method, missingUrl, { key: key(), body });
      const id = (u: string) => u.split('/').pop()!;
      const normalise = (response: Response, u: string) =>
        JSON.parse(JSON.stringify(response.body).split(id(u)).join('<id>'));
      expect(existing.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(normalise(existing, url())).toEqual(normalise(missing, missingUrl));
      expect(existing.headers['content-type']).toBe(missing.headers['content-type']);
    },
  );
});
