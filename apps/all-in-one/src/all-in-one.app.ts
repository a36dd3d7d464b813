import { LoggerService } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@policloud/config';
import { createApp } from '@policloud/runtime';
import { AllInOneModule } from './all-in-one.module';

/**
 * The all-in-one service, built as `npm start` builds it (main.ts, through runService), not yet
 * listening. Whatever runs the real service (the API benchmark too) boots it here, so it cannot
 * drift from main.ts.
 */
export function createAllInOneApp(
  config: AppConfig,
  options: { logger?: false | LoggerService } = {},
): Promise<NestFastifyApplication> {
  return createApp(AllInOneModule.forRoot(config), options);
}
