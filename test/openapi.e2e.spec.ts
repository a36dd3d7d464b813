import { readFileSync } from 'node:fs';
import { generateOpenApiJson, OPENAPI_PATH } from './support/openapi-document';

describe('the committed OpenAPI document', () => {
  it('matches the controllers (regenerate with npm run openapi)', async () => {
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    expect(JSON.parse(await generateOpenApiJson())).toEqual(JSON.parse(committed));
  });

  it('documents every public path of the v1 contract implemented so far', () => {
    const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, object> };
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
});
