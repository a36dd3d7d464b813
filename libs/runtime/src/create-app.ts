import { DynamicModule, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { MAX_ID_LENGTH } from '@policloud/domain';
import { checkRequestInput, parseJsonBody, sendProblem } from '@policloud/http';
import { Logger } from 'pino';
import { instrumentRequests, Metrics, PinoNestLogger, requestIdOf } from './observability';
import { LOGGER, METRICS } from './runtime.tokens';
import { completeOpenApiDocument } from './openapi/complete-openapi-document';
import { serveConsole } from './console/serve-console';

/** Largest request body accepted; anything bigger is refused with 413. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Longest path parameter the router matches (longer is a 414): any id the API creates, even
 * with every character percent-encoded, so whatever is created can be read back.
 */
export const MAX_PARAM_LENGTH = 3 * MAX_ID_LENGTH;

/** Builds a Fastify-based Nest app with the OpenAPI document served at /docs. */
export async function createApp(
  module: Type | DynamicModule,
  options: { logger?: false | LoggerService } = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, fastifyAdapter(), {
    bodyParser: false,
    // Without one, lines wait for the JSON logger configureApp installs, so they are JSON too.
    bufferLogs: options.logger === undefined,
    logger: options.logger,
    // A module that cannot start (a database still down) throws to the caller, which may retry.
    abortOnError: false,
  });
  return configureApp(app);
}

/**
 * What every app gets on top of its modules: JSON logs with one line per request, request
 * metrics, the OpenAPI document at /docs and the web console at /console. Signals are
 * runService's (it closes the app).
 */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  instrumentRequests(app.getHttpAdapter().getInstance(), logger, app.get<Metrics>(METRICS));
  // The API speaks JSON only: any other body type is a 415, never parsed into something else.
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(['text/plain', 'application/json']);
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  // Every route, before anything reads its input (guards, pipes, handlers).
  fastify.addHook('preValidation', (request, _reply, done) => {
    try {
      checkRequestInput(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  // Built once, on the first request: every route is registered by then.
  let document: OpenAPIObject | undefined;
  const openApiDocument = (): OpenAPIObject => (document ??= buildOpenApiDocument(app));
  SwaggerModule.setup('docs', app, openApiDocument, { jsonDocumentUrl: OPENAPI_JSON_PATH });
  // Nest's usual address for the JSON document, which tools and newcomers try first.
  fastify.get(OPENAPI_JSON_ALIAS, async (_request, reply) =>
    reply.type('application/json').send(openApiDocument()),
  );
  serveConsole(app);
  return app;
}

/** The OpenAPI document as JSON; the Swagger UI is at /docs. */
export const OPENAPI_JSON_PATH = '/docs/openapi.json';
export const OPENAPI_JSON_ALIAS = '/docs-json';

/**
 * The one Fastify adapter of every app. Its JSON parser is configureApp's, whatever options the
 * Nest application was created with: Nest's own body parsers (added at init unless the app was
 * created with `bodyParser: false`) would collide with it ("Content type parser
 * 'application/json' already present") or, without configureApp, parse bodies another way.
 */
class JsonOnlyFastifyAdapter extends FastifyAdapter {
  override registerParserMiddleware(): void {}
}

export function fastifyAdapter(): FastifyAdapter {
  return new JsonOnlyFastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's own logger stays off: request lines come from instrumentRequests, one per request.
    genReqId: requestIdOf,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors the router answers before any route runs (bad URL encoding, over-long parameter).
    // (Nest's Fastify is a copy of its own: its request and reply types are not the root's.)
    frameworkErrors: (error: Error, request: unknown, reply: unknown) =>
      sendProblem(reply as FastifyReply, request as FastifyRequest, error),
  });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return completeOpenApiDocument(SwaggerModule.createDocument(app, openApiInfo()));
}

export function openApiInfo() {
  return new DocumentBuilder()
    .setTitle('Policloud marketplace API')
    .setDescription('Surplus energy turned into GPU compute: public HTTP contract v1')
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      // Not a JWT: an opaque 256-bit random key, shown once at creation, stored as its SHA-256.
      bearerFormat: 'opaque API key',
      description:
        'Authorization: Bearer <api key>. An opaque random key (not a JWT), shown once when ' +
        'the participant is created (POST /v1/participants answers apiKey).',
    })
    .build();
}
