import 'reflect-metadata';
import { ConfigError, loadConfig } from '@policloud/config';
import { createApp } from '@policloud/runtime';
import { AllInOneModule } from './all-in-one.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(AllInOneModule.forRoot(config));
  await app.listen({ port: config.port, host: '0.0.0.0' });
  console.log(
    `Policloud all-in-one listening on http://localhost:${config.port} (event store: ${config.eventStore}, ` +
      `Kafka: ${config.kafkaBrokers.length ? config.kafkaBrokers.join(',') : 'off'}); API docs at /docs`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
