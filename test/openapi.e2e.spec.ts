import { readFileSync } from 'node:fs';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateOpenApiJson, OPENAPI_PATH } from './support/openapi-document';
import { bootTestApp } from './support/test-app';

interface Schema {
  type?: string;
  oneOf?: Schema[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  $ref?: string;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, Record<string, string>>;
  };
}

const committed = (): Document => JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Document;
const operations = (document: Document): [string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );

describe('the committed OpenAPI document', () => {
  it('matches the controllers (regenerate with npm run openapi)', async () => {
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    expect(JSON.parse(await generateOpenApiJson())).toEqual(JSON.parse(committed));
  });

  it('documents every public path of the v1 contract implemented so far', () => {
    const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
      paths: Record<string, object>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/v1/participants',
        '/v1/sites',
        '/v1/sites/{id}',
        '/v1/sites/{id}/maintenance',
        '/v1/sites/{id}/agreement',
        '/v1/energy-offers',
        '/v1/energy-offers/{id}',
        '/v1/energy-offers/{id}/curtailments',
        '/v1/compute-orders',
        '/v1/compute-orders/{id}',
        '/v1/sites/{id}/capacity',
        '/v1/allocations',
        '/v1/matching/runs',
        '/v1/matching/runs/{id}',
        '/v1/usage',
        '/v1/settlements/{period}/close',
        '/v1/settlements/{period}/statements',
        '/v1/audit/events',
        '/v1/audit/verify',
        '/v1/audit/checkpoints',
        '/v1/audit/sovereignty/{buyerId}',
        '/v1/audit/export',
        '/v1/audit/matching-runs/{id}/replay',
      ]),
    );
  });

  it('gives every operation a success response with a body schema', () => {
    const missing = operations(committed())
      .filter(
        ([, operation]) =>
          !Object.entries(operation.responses).some(
            ([status, response]) =>
              status.startsWith('2') &&
              Object.values(response.content ?? {}).some((media) => media.schema),
          ),
      )
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('describes every error response as problem+json, and a 400 wherever input is read', () => {
    const document = committed();
    expect(document.components.schemas.ProblemDetails).toBeDefined();
    for (const [name, operation] of operations(document)) {
      const errors = Object.entries(operation.responses).filter(
        ([status]) => Number(status) >= 400,
      );
      expect([name, errors.length > 0]).toEqual([name, true]);
      for (const [status, response] of errors) {
        expect([name, status, Object.keys(response.content ?? {})]).toEqual([
          name,
          status,
          ['application/problem+json'],
        ]);
      }
      if (operation.parameters?.length)
        expect([name, operation.responses['400']]).toEqual([name, expect.anything()]);
    }
  });

  it('types decimals as numbers or decimal strings, and the API key as an opaque string', () => {
    const { schemas, securitySchemes } = committed().components;
    for (const [dto, field] of [
      ['RegisterSiteDto', 'gpuPowerKw'],
      ['RegisterSiteDto', 'pue'],
      ['UpdateSiteDto', 'pue'],
    ]) {
      const schema = schemas[dto].properties![field];
      expect([dto, field, schema.type, schema.oneOf?.map((option) => option.type)]).toEqual([
        dto,
        field,
        undefined,
        ['number', 'string'],
      ]);
    }
    const apiKey = schemas.ParticipantCreatedDto.properties!.apiKey;
    expect(apiKey).toEqual(expect.objectContaining({ type: 'string', nullable: true }));
    expect(securitySchemes.bearer.bearerFormat).not.toMatch(/jwt/i);
  });

  it('marks from and to of /v1/audit/verify optional log positions', () => {
    const parameters = committed().paths['/v1/audit/verify'].get.parameters ?? [];
    expect(parameters.map((parameter) => [parameter.name, parameter.required])).toEqual([
      ['from', false],
      ['to', false],
    ]);
    for (const parameter of parameters) expect(parameter.description).toMatch(/log position/);
  });

  describe('served by the running service', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      ({ app } = await bootTestApp({ OPERATOR_API_KEY: 'openapi-served' }));
    });
    afterAll(async () => {
      await app?.close();
    });

    it('as JSON at /docs-json (Nest’s usual path) and /docs/openapi.json, the same document', async () => {
      const usual = await app.inject({ method: 'GET', url: '/docs-json' });
      expect(usual.statusCode).toBe(200);
      expect(usual.headers['content-type']).toMatch(/^application\/json/);
      const named = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(usual.json()).toEqual(named.json());
      expect(usual.json()).toEqual(committed());
    });
  });
});
