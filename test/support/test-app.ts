import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AllInOneModule } from '../../apps/all-in-one/src/all-in-one.module';
import { AppConfig, loadConfig } from '@policloud/config';
import { createApp } from '@policloud/runtime';

/** Boots the all-in-one app in-process, as `npm start` would, for requests via inject(). */
export async function bootTestApp(env: Record<string, string>): Promise<{
  app: NestFastifyApplication;
  config: AppConfig;
}> {
  const config = loadConfig(env);
  const app = await createApp(AllInOneModule.forRoot(config), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, config };
}
