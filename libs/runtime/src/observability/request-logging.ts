import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'pino';
import { Metrics } from './metrics';

/** The Fastify instance under Nest (its own copy of fastify's types). */
type NestFastify = ReturnType<ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance']>;

export const REQUEST_ID_HEADER = 'x-request-id';
/** A caller's request id is echoed only when it is a plain token: it lands in logs verbatim. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is safe to log, else a new one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * One JSON line and one histogram sample per request, with its request id returned in
 * X-Request-Id. The route is the template (`/v1/sites/:id`), so ids never explode the series.
 */
export function instrumentRequests(fastify: NestFastify, logger: Logger, metrics: Metrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    const status = reply.statusCode;
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status: String(status) },
      seconds,
    );
    const level = status >= 500 ? 'error' : 'info';
    logger[level](
      {
        requestId: request.id,
        method: request.method,
        route,
        status,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
}
