/**
 * The all-in-one app as `npm start` builds it, on the embedded store in `dataDir`, except that
 * the time the app stamps commands with is the demo's clock; listening on a loopback port.
 */
import { AddressInfo } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@policloud/config';
import { CLOCK, configureApp, fastifyAdapter, ManualClock } from '@policloud/runtime';
import { AllInOneModule } from '../../apps/all-in-one/src/all-in-one.module';

export async function bootDemoApp(
  dataDir: string,
  operatorKey: string,
  clock: ManualClock,
  listen: { port?: number; host?: string } = {},
): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  // Only what the demo chooses: the embedded default, no broker, matching on demand only.
  const config = loadConfig({
    EVENT_STORE: 'embedded',
    DATA_DIR: dataDir,
    OPERATOR_API_KEY: operatorKey,
    // The demo prints a report: the service's own lines only when something goes wrong.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  // As `npm start` builds it, but the time the app stamps commands with is the demo's clock.
  const moduleRef = await Test.createTestingModule({ imports: [AllInOneModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  const app = configureApp(
    moduleRef.createNestApplication<NestFastifyApplication>(fastifyAdapter(), {
      bodyParser: false,
      logger: false,
    }),
  );
  try {
    await app.listen({ port: listen.port ?? 0, host: listen.host ?? '127.0.0.1' });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}
