import 'reflect-metadata';
import { ConfigError, loadConfig } from '@policloud/config';
import { OPENAPI_JSON_PATH } from '@policloud/runtime';
import { createAllInOneApp } from './all-in-one.app';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createAllInOneApp(config);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  console.log(
    `Policloud all-in-one listening on http://localhost:${config.port} (event store: ${config.eventStore}, ` +
      `Kafka: ${config.kafkaBrokers.length ? config.kafkaBrokers.join(',') : 'off'}); ` +
      `API docs at /docs (OpenAPI JSON at ${OPENAPI_JSON_PATH})`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
