import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildOpenApiDocument } from '@policloud/runtime';
import { bootTestApp } from './test-app';

export const OPENAPI_PATH = path.join(__dirname, '..', '..', 'contracts', 'openapi.json');

/** The OpenAPI document of the all-in-one app, as committed in contracts/openapi.json. */
export async function generateOpenApiJson(): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-openapi-'));
  const { app } = await bootTestApp({
    DATA_DIR: dataDir,
    OPERATOR_API_KEY: 'openapi-generation-only',
  });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
