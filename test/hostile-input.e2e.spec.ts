import { expectProblem, fieldsOf } from './support/problem-assertions';
import { Marketplace, Party, siteBody } from './support/marketplace-fixture';

/**
 * Input that PostgreSQL or JSON cannot hold, that nests without end, that names a prototype
 * property or that the router refuses is a 4xx problem+json naming what is wrong, and writes
 * nothing: one rule in the HTTP layer for every body, query and path parameter.
 */
describe('hostile input is a problem+json, never a 500 or a silent drop', () => {
  let market: Marketplace;
  let host: Party;

  beforeAll(async () => {
    market = await Marketplace.boot();
    host = await market.participant(['host']);
  });
  afterAll(() => market.close());

  const participant = (overrides: Record<string, unknown> = {}) => ({
    name: 'Coop énergie',
    roles: ['buyer'],
    country: 'FR',
    ...overrides,
  });

  /** The request's answer is a 400 naming `field`, and nothing was written. */
  async function expectRefused(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    options: { body?: unknown; raw?: string },
    field: string | RegExp | undefined,
    status = 400,
  ): Promise<void> {
    const before = await market.head();
    const response = await market.request(method, url, options);
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    expectProblem(response, status);
    if (typeof field === 'string') expect(fieldsOf(response)).toContain(field);
    if (field instanceof RegExp)
      expect(fieldsOf(response)).toContainEqual(expect.stringMatching(field));
    expect(await market.head()).toBe(before);
  }

  describe('text PostgreSQL or JSON cannot hold', () => {
    it.each([
      ['a NUL in a body string', participant({ name: 'Coop\u0000' }), 'name'],
      ['a lone high surrogate in a body string', participant({ name: 'Coop \ud800' }), 'name'],
      [
        'a lone low surrogate in a body string',
        participant({ legalEntity: '\udfff SPL' }),
        'legalEntity',
      ],
      ['a NUL in an array item', participant({ roles: ['buyer', 'host\u0000'] }), 'roles.1'],
    ])('%s is a 400 naming the field', async (_name, body, field) => {
      await expectRefused('POST', '/v1/participants', { body }, field);
    });

    it('a NUL in a body key is a 400 naming the key (escaped)', async () => {
      await expectRefused(
        'POST',
        '/v1/participants',
        { raw: JSON.stringify(participant()).replace('{', '{"na\\u0000me":"x",') },
        'na\\u0000me',
      );
    });

    it('a lone surrogate in a nested key is a 400 naming its path', async () => {
      const body = siteBody('nested-key-site', host.id);
      const raw = JSON.stringify(body).replace('"location":{', '"location":{"\\ud800":1,');
      await expectRefused('POST', '/v1/sites', { raw }, 'location.\\ud800');
    });

    it.each([
      ['GET /v1/sites/%00', 'GET', '/v1/sites/%00', 'id'],
      ['GET /v1/sites/a%00b/capacity', 'GET', '/v1/sites/a%00b/capacity', 'id'],
      ['GET /v1/energy-offers/%00', 'GET', '/v1/energy-offers/%00', 'id'],
      ['GET /v1/compute-orders/%00', 'GET', '/v1/compute-orders/%00', 'id'],
      ['GET /v1/matching/runs/%00', 'GET', '/v1/matching/runs/%00', 'id'],
      ['GET /v1/audit/sovereignty/%00', 'GET', '/v1/audit/sovereignty/%00', 'buyerId'],
      ['PATCH /v1/sites/%00', 'PATCH', '/v1/sites/%00', 'id'],
      ['DELETE /v1/compute-orders/%00', 'DELETE', '/v1/compute-orders/%00', 'id'],
      ['a NUL in a query parameter', 'GET', '/v1/compute-orders?status=%00', 'status'],
      ['a NUL in an audit query parameter', 'GET', '/v1/audit/events?site=%00', 'site'],
      ['a NUL in a query key', 'GET', '/v1/sites?a%00=1', 'a\\u0000'],
    ] as const)('%s is a 400 naming the parameter', async (_name, method, url, field) => {
      const body = method === 'PATCH' ? { name: 'x' } : undefined;
      await expectRefused(method, url, { body }, field);
    });
  });

  it('a lone surrogate percent-encoded in a path (not UTF-8) is a 400 problem+json', async () => {
    await expectRefused('GET', '/v1/sites/%ED%A0%80', {}, undefined);
  });

  describe('nesting', () => {
    /** The 400 names the field whose nesting goes too deep, from the top of the body. */
    const deepUnder = (field: string) => new RegExp(`^${field}(\\.\\w+){31}$`);

    it('10,000 nested arrays in a body is a 400, not a stack overflow', async () => {
      const raw = JSON.stringify(participant()).replace(
        '"roles":["buyer"]',
        `"roles":${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      );
      await expectRefused('POST', '/v1/participants', { raw }, deepUnder('roles'));
    });

    it('10,000 nested objects in a body is a 400', async () => {
      const raw = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      await expectRefused('POST', '/v1/compute-orders', { raw }, deepUnder('a'));
    });

    it('a body nested 32 levels deep is still parsed (its fields are then validated)', async () => {
      const nested = JSON.parse(`${'['.repeat(31)}${']'.repeat(31)}`) as unknown;
      await expectRefused(
        'POST',
        '/v1/participants',
        { body: participant({ roles: nested }) },
        'roles',
      );
    });
  });

  describe('prototype property names are refused, never dropped', () => {
    it.each([
      ['constructor at the top level', participant({ constructor: { a: 1 } }), 'constructor'],
      ['constructor with a scalar value', participant({ constructor: 'x' }), 'constructor'],
      ['prototype at the top level', participant({ prototype: {} }), 'prototype'],
    ])('%s', async (_name, body, field) => {
      await expectRefused('POST', '/v1/participants', { body }, field);
    });

    it.each([
      ['__proto__ at the top level', '{', '{"__proto__":{"x":1},', '__proto__'],
      [
        'constructor in location',
        '"location":{',
        '"location":{"constructor":{},',
        'location.constructor',
      ],
      [
        'prototype in heatRecovery',
        '"heatRecovery":{',
        '"heatRecovery":{"prototype":1,',
        'heatRecovery.prototype',
      ],
      [
        '__proto__ in location',
        '"location":{',
        '"location":{"__proto__":null,',
        'location.__proto__',
      ],
    ])('%s (site registration)', async (_name, find, replace, field) => {
      const raw = JSON.stringify(siteBody('proto-site', host.id)).replace(find, replace);
      await expectRefused('POST', '/v1/sites', { raw }, field);
    });

    it('constructor inside an array item (agreement producers[0])', async () => {
      await market.site(siteBody('proto-agreement-site', host.id));
      const producer = await market.participant(['producer']);
      const body = {
        effectiveFrom: '2027-01-01T00:00:00Z',
        hostParticipantId: host.id,
        producers: [{ participantId: producer.id, constructor: { prototype: {} } }],
        producersShareBps: 7000,
        hostShareBps: 3000,
      };
      await expectRefused(
        'PUT',
        '/v1/sites/proto-agreement-site/agreement',
        { body },
        'producers.0.constructor',
      );
    });

    it('__proto__ as a query parameter', async () => {
      await expectRefused('GET', '/v1/sites?__proto__=1', {}, '__proto__');
    });
  });

  describe('long ids and framework errors', () => {
    it('a site with a 128-character id is created and readable', async () => {
      const id = `s${'x'.repeat(127)}`;
      await market.site(siteBody(id, host.id));
      const response = await market.request<{ id: string }>('GET', `/v1/sites/${id}`);
      expect({ status: response.status, id: response.body.id }).toEqual({ status: 200, id });
    });

    it('a 128-character id written percent-encoded still reaches its route', async () => {
      const id = `s${':'.repeat(127)}`;
      const response = await market.request('GET', `/v1/sites/${encodeURIComponent(id)}`);
      expect(response.status).toBe(404);
      expectProblem(response, 404);
    });

    it('an over-long path parameter is a problem+json', async () => {
      const response = await market.request('GET', `/v1/sites/${'x'.repeat(5_000)}`);
      expect(response.status).toBeLessThan(500);
      expectProblem(response, response.status);
    });

    it.each([
      ['an unknown route', 'GET', '/v1/nothing-here', 404],
      ['an unknown method on a known path', 'PUT', '/v1/participants', 404],
      ['a malformed percent-encoding in the path', 'GET', '/v1/sites/%E0%A4%A', 400],
    ] as const)('%s is a problem+json', async (_name, method, url, status) => {
      const response = await market.request(method, url);
      expect(response.status).toBe(status);
      expectProblem(response, status);
    });
  });
});
