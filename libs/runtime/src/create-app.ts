import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { parseJsonBody } from '@policloud/http';
import { completeOpenApiDocument } from './openapi/complete-openapi-document';

/** Largest request body accepted; anything bigger is refused with 413. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** Builds a Fastify-based Nest app with the OpenAPI document served at /docs. */
export async function createApp(
  module: Type | DynamicModule,
  options: { logger?: boolean } = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, fastifyAdapter(), {
    bodyParser: false,
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
  });
  return configureApp(app);
}

/** What every app gets on top of its modules: shutdown hooks and the OpenAPI document at /docs. */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  app.enableShutdownHooks();
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
  // Built once, on the first request: every route is registered by then.
  let document: OpenAPIObject | undefined;
  const openApiDocument = (): OpenAPIObject => (document ??= buildOpenApiDocument(app));
  SwaggerModule.setup('docs', app, openApiDocument, { jsonDocumentUrl: OPENAPI_JSON_PATH });
  // Nest's usual address for the JSON document, which tools and newcomers try first.
  fastify.get(OPENAPI_JSON_ALIAS, async (_request, reply) =>
    reply.type('application/json').send(openApiDocument()),
  );
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
  return new JsonOnlyFastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
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
