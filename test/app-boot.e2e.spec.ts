import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createAllInOneApp } from '../apps/all-in-one/src/all-in-one.app';
import { AllInOneModule } from '../apps/all-in-one/src/all-in-one.module';
import { loadConfig } from '@policloud/config';
import { configureApp, fastifyAdapter } from '@policloud/runtime';

/** Whatever boots the service (main.ts, the API bench, tests) gets the same JSON-only parsing. */
describe('booting the service', () => {
  let dataDir: string;
  let app: NestFastifyApplication | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-boot-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const config = () =>
    loadConfig({
      DATA_DIR: dataDir,
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      OPERATOR_API_KEY: 'boot-test-operator',
      LOG_LEVEL: 'silent',
    });

  /** JSON goes through our parser (prototype keys refused), any other body type is a 415. */
  async function expectJsonOnlyParsing(booted: NestFastifyApplication): Promise<void> {
    const headers = { authorization: 'Bearer boot-test-operator' };
    const poisoned = await booted.inject({
      method: 'POST',
      url: '/v1/participants',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"name":"x","roles":["buyer"],"country":"FR","__proto__":{"admin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.headers['content-type']).toMatch(/^application\/problem\+json/);
    const text = await booted.inject({
      method: 'POST',
      url: '/v1/participants',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(text.statusCode).toBe(415);
  }

  it('as main.ts boots it (createAllInOneApp), listening on a port', async () => {
    app = await createAllInOneApp(config(), { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    await expectJsonOnlyParsing(app);
  });

  it('from a Nest application created with the default options (Nest’s own body parsers on)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AllInOneModule.forRoot(config())],
    }).compile();
    app = configureApp(
      moduleRef.createNestApplication<NestFastifyApplication>(fastifyAdapter(), { logger: false }),
    );
    await app.init();
    await expectJsonOnlyParsing(app);
  });
});
