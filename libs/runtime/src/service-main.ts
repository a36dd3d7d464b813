import { DynamicModule, LoggerService } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, ConfigError, loadConfig } from '@policloud/config';
import { backoffDelay, isDatabaseUnavailable } from '@policloud/event-store';
import { Logger } from 'pino';
import { createApp, OPENAPI_JSON_PATH } from './create-app';
import { createLogger, PinoNestLogger } from './observability';

/** SIGTERM drains requests and workers; past this the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 10_000;
const START_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };

/**
 * The `main` of every service: reads the configuration (a bad variable is one line naming it),
 * starts the app, retrying with backoff while the database is unreachable (one line per try, no
 * stack trace), listens, and exits within SHUTDOWN_DEADLINE_MS of a SIGTERM or SIGINT.
 */
export async function runService(
  service: string,
  moduleFor: (config: AppConfig) => DynamicModule,
): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel).child({ service });
  let app: NestFastifyApplication | undefined;
  stopOnSignals(logger, () => app);
  for (let attempt = 1; ; attempt++) {
    try {
      app = await createApp(moduleFor(config), { logger: startupLogger(logger) });
      await app.listen({ port: config.port, host: '0.0.0.0' });
      logger.info(
        {
          port: config.port,
          eventStore: config.eventStore,
          kafka: config.kafkaBrokers.length ? config.kafkaBrokers.join(',') : 'off',
        },
        `${service} listening on http://localhost:${config.port} (API docs at /docs, OpenAPI JSON at ${OPENAPI_JSON_PATH})`,
      );
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        logger.fatal({ err: error }, `${service} could not start`);
        process.exit(1);
      }
      const delay = backoffDelay(attempt, START_BACKOFF);
      logger.warn(
        `database unreachable (${(error as Error).message}); retrying in ${delay / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Nest's own lines as JSON, without the stack trace it prints for a start that fails. */
function startupLogger(logger: Logger): LoggerService {
  const nest = new PinoNestLogger(logger);
  return Object.assign(Object.create(nest) as PinoNestLogger, {
    error(message: unknown, ...context: unknown[]) {
      if (context.at(-1) === 'ExceptionHandler') return;
      nest.error(message, ...context);
    },
  });
}

/**
 * The first SIGTERM or SIGINT closes the app (stops accepting, drains requests, stops workers,
 * releases leadership, closes pools) and exits 0, or 1 past SHUTDOWN_DEADLINE_MS. The process
 * exits itself rather than re-raising the signal as Nest's shutdown hooks do: a re-raised signal
 * ends it before the buffered log lines (the 'stopped' one) reach stdout, and reports a clean stop
 * as a kill. A repeated signal (npm forwards one of its own) does not cut the drain short.
 */
function stopOnSignals(logger: Logger, app: () => NestFastifyApplication | undefined): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal }, 'already stopping');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping: draining requests and workers');
    setTimeout(() => {
      logger.error(`still stopping after ${SHUTDOWN_DEADLINE_MS} ms: exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      await app()?.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stopping failed');
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void stop(s));
}
