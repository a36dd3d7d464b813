import fc from 'fast-check';
import { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from '@policloud/runtime';
import { expectProblem, fieldsOf } from './support/problem-assertions';
import { Marketplace, Party, siteBody } from './support/marketplace-fixture';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

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
    method: Method,
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

    it('a path parameter longer than any percent-encoded id is a 414 problem+json', async () => {
      const response = await market.request('GET', `/v1/sites/${'x'.repeat(3 * 128 + 1)}`);
      expectProblem(response, 414);
      expect(response.body.detail).not.toContain('xxx');
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

  // ------------------------------------------------------------------ property

  interface Route {
    method: Method;
    /** OpenAPI path, e.g. `/v1/sites/{id}/maintenance`. */
    path: string;
    pathParams: string[];
    queryParams: string[];
    /** Top-level fields of its request body (empty when it takes none). */
    bodyFields: string[];
  }

  /** Every operation the app documents: a new route is tested without being listed here. */
  function routesOf(document: OpenAPIObject): Route[] {
    const schemas = (document.components?.schemas ?? {}) as Record<
      string,
      { properties?: Record<string, unknown> }
    >;
    return Object.entries(document.paths).flatMap(([path, item]) =>
      (['get', 'post', 'put', 'patch', 'delete'] as const).flatMap((verb) => {
        const operation = item[verb];
        if (!operation) return [];
        const parameters = (operation.parameters ?? []) as { name: string; in: string }[];
        const body = operation.requestBody as
          { content?: Record<string, { schema?: { $ref?: string } }> } | undefined;
        const ref = body?.content?.['application/json']?.schema?.$ref?.split('/').pop();
        return [
          {
            method: verb.toUpperCase() as Method,
            path,
            pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
            queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
            bodyFields: Object.keys((ref && schemas[ref]?.properties) ?? {}),
          },
        ];
      }),
    );
  }

  type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

  /** A hostile request and what its 400 must name (a string, or a pattern for deep paths). */
  interface Attack {
    describe: string;
    method: Method;
    url: string;
    raw?: string;
    /** The field a 400 must name; undefined when the refusal need not be a field error. */
    field?: string | RegExp;
    /** Whether the answer must be exactly 400 (the input rule), not just some 4xx. */
    badRequest: boolean;
  }

  const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
  /** Stands for a deeply nested value until the body is text. */
  const DEEP = 'deeply-nested-value-goes-here';
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** Valid text around one character PostgreSQL or JSON cannot hold. */
  const unstorable = fc
    .tuple(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'),
      fc.string({ maxLength: 6 }),
    )
    .map(([before, bad, after]) => `${before}${bad}${after}`);
  const anyJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>;
  /** Where in a body a value goes: a field, then optional nested keys or list indexes. */
  const pathIn = (fields: string[]) =>
    fc.tuple(
      fields.length ? fc.constantFrom(...fields) : fc.constant('field'),
      fc.array(fc.oneof(fc.constantFrom('a', 'origin', 'lat'), fc.nat({ max: 2 })), {
        maxLength: 2,
      }),
    );

  /** `{ [path...]: value }` as nested objects and arrays (array gaps are null). */
  function nestAt(path: (string | number)[], value: JsonValue): JsonValue {
    return path.reduceRight<JsonValue>((inner, step) => {
      if (typeof step === 'number') {
        const list: JsonValue[] = Array.from({ length: step }, () => null);
        list.push(inner);
        return list;
      }
      const object: { [key: string]: JsonValue } = {};
      // defineProperty: `__proto__` becomes an own key that JSON.stringify writes out.
      Object.defineProperty(object, step, { value: inner, enumerable: true, writable: true });
      return object;
    }, value);
  }

  function urlOf(route: Route, params: Record<string, string> = {}, query = ''): string {
    const path = route.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
      encodeURIComponent(params[name] ?? `prop-${name}`),
    );
    return query ? `${path}?${query}` : path;
  }

  /** A body whose top-level fields are the route's, holding `value` at `path`. */
  function bodyAttack(
    route: Route,
    describe: string,
    path: fc.Arbitrary<[string, (string | number)[]]>,
    value: fc.Arbitrary<JsonValue>,
    field: (path: (string | number)[]) => string | RegExp,
  ): fc.Arbitrary<Attack> {
    const base = fc.dictionary(
      route.bodyFields.length ? fc.constantFrom(...route.bodyFields) : fc.string({ maxLength: 4 }),
      anyJson,
      { maxKeys: 3 },
    );
    return fc.tuple(base, path, value).map(([others, [first, rest], hostile]) => {
      const steps = [first, ...rest];
      const body = { ...others, ...(nestAt(steps, hostile) as object) };
      return {
        describe: `${route.method} ${route.path}: ${describe} at ${steps.join('.')}`,
        method: route.method,
        url: urlOf(route),
        raw: JSON.stringify(body),
        field: field(steps),
        badRequest: true,
      };
    });
  }

  function writeAttacks(route: Route): fc.Arbitrary<Attack>[] {
    const at = pathIn(route.bodyFields);
    const attacks = [
      bodyAttack(route, 'text that cannot be stored', at, unstorable, (steps) => steps.join('.')),
      bodyAttack(
        route,
        'a key that cannot be stored',
        fc.tuple(at, unstorable).map(([[first, rest], key]) => [first, [...rest, key]]),
        anyJson,
        (steps) => steps.map((step) => JSON.stringify(String(step)).slice(1, -1)).join('.'),
      ),
      bodyAttack(
        route,
        'a prototype key',
        fc
          .tuple(at, fc.constantFrom(...PROTOTYPE_KEYS))
          .map(([[first, rest], key]) => [first, [...rest, key]]),
        anyJson,
        (steps) => steps.join('.'),
      ),
      // Nested as text: serialising it would overflow this side's stack first.
      fc
        .tuple(
          bodyAttack(
            route,
            'deep nesting',
            at,
            fc.constant(DEEP),
            (steps) => new RegExp(`^${escapeRegExp(steps.join('.'))}(\\.\\w+)+$`),
          ),
          fc.integer({ min: 32, max: 10_000 }),
          fc.boolean(),
        )
        .map(([attack, depth, arrays]) => ({
          ...attack,
          describe: `${attack.describe} (${depth} levels)`,
          raw: attack.raw?.replace(
            JSON.stringify(DEEP),
            arrays
              ? `${'['.repeat(depth)}${']'.repeat(depth)}`
              : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
          ),
        })),
      // Over-long ids in the path: refused by the router or the route, never a 500.
      ...(route.pathParams.length
        ? [
            fc.integer({ min: 129, max: 3_000 }).map((length) => ({
              describe: `${route.method} ${route.path}: a ${length}-character path id`,
              method: route.method,
              url: urlOf(
                route,
                Object.fromEntries(route.pathParams.map((p) => [p, `i${'d'.repeat(length - 1)}`])),
              ),
              raw: '{}',
              badRequest: false,
            })),
          ]
        : []),
    ];
    if (route.bodyFields.includes('id')) {
      attacks.push(
        fc.integer({ min: 129, max: 3_000 }).map((length) => ({
          describe: `${route.method} ${route.path}: a ${length}-character id in the body`,
          method: route.method,
          url: urlOf(route),
          raw: JSON.stringify({ id: `i${'d'.repeat(length - 1)}` }),
          field: 'id',
          badRequest: true,
        })),
      );
    }
    return attacks;
  }

  /** Hostile path and query parameters of a read. */
  function readAttacks(route: Route): fc.Arbitrary<Attack>[] {
    const queryNames = route.queryParams.length ? route.queryParams : ['q'];
    const describe = (what: string) => `${route.method} ${route.path}: ${what}`;
    const attacks: fc.Arbitrary<Attack>[] = [
      fc
        .tuple(
          fc.constantFrom(...queryNames),
          fc.string({ maxLength: 5 }),
          fc.string({ maxLength: 5 }),
        )
        .map(([name, before, after]) => ({
          describe: describe(`a NUL in query ${name}`),
          method: route.method,
          url: urlOf(
            route,
            {},
            `${encodeURIComponent(name)}=${encodeURIComponent(before)}%00${encodeURIComponent(after)}`,
          ),
          field: name,
          badRequest: true,
        })),
      fc.constantFrom(...PROTOTYPE_KEYS).map((key) => ({
        describe: describe(`query key ${key}`),
        method: route.method,
        url: urlOf(route, {}, `${key}=1`),
        field: key,
        badRequest: true,
      })),
    ];
    for (const param of route.pathParams) {
      attacks.push(
        fc
          .tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }))
          .map(([before, after]) => ({
            describe: describe(`a NUL in path ${param}`),
            method: route.method,
            url: urlOf(route).replace(
              `prop-${param}`,
              `${encodeURIComponent(before)}%00${encodeURIComponent(after)}`,
            ),
            field: param,
            badRequest: true,
          })),
        fc.integer({ min: 129, max: 3_000 }).map((length) => ({
          describe: describe(`a ${length}-character ${param}`),
          method: route.method,
          url: urlOf(route, { [param]: `i${'d'.repeat(length - 1)}` }),
          badRequest: false,
        })),
        fc.constant({
          describe: describe(`a lone surrogate percent-encoded in ${param} (not UTF-8)`),
          method: route.method,
          url: urlOf(route).replace(`prop-${param}`, '%ED%A0%80'),
          badRequest: true,
        }),
      );
    }
    return attacks;
  }

  it('property: hostile input to every route is a 4xx problem+json naming the field, and writes nothing', async () => {
    const routes = routesOf(buildOpenApiDocument(market.app));
    const writes = routes.filter((route) => route.method !== 'GET');
    const reads = routes.filter((route) => route.method === 'GET');
    // The contract's write routes are all there (the document is the app's own).
    expect(writes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/participants',
        'POST /v1/sites',
        'PATCH /v1/sites/{id}',
        'PUT /v1/sites/{id}/agreement',
        'POST /v1/energy-offers',
        'DELETE /v1/energy-offers/{id}',
        'POST /v1/compute-orders',
        'POST /v1/matching/runs',
        'POST /v1/usage',
        'POST /v1/settlements/{period}/close',
      ]),
    );
    const attack = fc.oneof(
      ...writes.flatMap((route) => writeAttacks(route)),
      ...reads.flatMap((route) => readAttacks(route)),
    );
    await fc.assert(
      fc.asyncProperty(attack, async (a) => {
        const before = await market.head();
        const response = await market.request(
          a.method,
          a.url,
          a.raw === undefined ? {} : { raw: a.raw },
        );
        const context = { attack: a.describe, status: response.status, body: response.body };
        if (
          response.status < 400 ||
          response.status >= 500 ||
          (a.badRequest && response.status !== 400)
        ) {
          throw new Error(`unexpected answer: ${JSON.stringify(context)}`);
        }
        expectProblem(response, response.status);
        if (typeof a.field === 'string')
          expect({ ...context, fields: fieldsOf(response) }).toMatchObject({
            fields: expect.arrayContaining([a.field]),
          });
        if (a.field instanceof RegExp)
          expect({ ...context, fields: fieldsOf(response) }).toMatchObject({
            fields: expect.arrayContaining([expect.stringMatching(a.field)]),
          });
        expect(await market.head()).toBe(before);
      }),
      { numRuns: 400 },
    );
  });
});
