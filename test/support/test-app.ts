import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AllInOneModule } from '../../apps/all-in-one/src/all-in-one.module';
import { AppConfig, loadConfig } from '@policloud/config';
import { DestinationStream } from 'pino';
import {
  Clock,
  CLOCK,
  configureApp,
  createLogger,
  fastifyAdapter,
  LOGGER,
  systemClock,
} from '@policloud/runtime';

/** Boots the all-in-one app in-process, as `npm start` would, for requests via inject(). */
export async function bootTestApp(
  env: Record<string, string>,
  clock: Clock = systemClock,
  /** Where the app's JSON log lines go (at level info); none are written without it. */
  logTo?: DestinationStream,
): Promise<{ app: NestFastifyApplication; config: AppConfig }> {
  // Keys and embedded files of a test app never land in the working tree.
  const config = loadConfig({
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'policloud-test-')),
    AUDIT_SEAL_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AllInOneModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .overrideProvider(LOGGER)
    .useValue(createLogger(logTo ? 'info' : config.logLevel, logTo))
    .compile();
  const app = configureApp(
    moduleRef.createNestApplication<NestFastifyApplication>(fastifyAdapter(), {
      bodyParser: false,
      logger: false,
    }),
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config };
}
