import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateSigningKey } from '@policloud/audit';
import { AppConfig, loadConfig } from '@policloud/config';

/**
 * A service's module wired by Nest and started (its bootstrap hooks run: workers lead, the
 * operator is registered) but serving no HTTP: specs call its providers directly. Embedded, in a
 * fresh DATA_DIR removed on close.
 */
export async function startAppContext(
  forRoot: (config: AppConfig) => DynamicModule,
  env: Record<string, string> = {},
): Promise<{ context: INestApplicationContext; config: AppConfig; close(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-context-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    AUDIT_SIGNING_KEY: generateSigningKey(),
    AUDIT_SEAL_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [forRoot(config)] })
    .setLogger({ log() {}, error() {}, warn() {} })
    .compile();
  moduleRef.enableShutdownHooks();
  await moduleRef.init();
  return {
    context: moduleRef,
    config,
    async close() {
      await moduleRef.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
