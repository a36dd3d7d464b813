import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problem, ProblemDetails, ProblemException } from './problem-details';

/** Maps a feature's own errors to problem details; registered by the feature's module. */
export type ProblemMapper = (error: unknown) => ProblemDetails | undefined;

const mappers: ProblemMapper[] = [];

export function registerProblemMapper(mapper: ProblemMapper): void {
  if (!mappers.includes(mapper)) mappers.push(mapper);
}

/** Router errors whose own message quotes the whole path back: told in a sentence instead. */
const ROUTER_DETAILS: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than any id the API accepts',
  FST_ERR_BAD_URL: 'The path is not valid percent-encoded UTF-8',
};

/**
 * Fastify's own errors (bad JSON, body too large, wrong content type, a path the router refuses)
 * carry a 4xx statusCode.
 */
function fastifyClientError(error: unknown): ProblemDetails | undefined {
  const { statusCode, code, message } = error as {
    statusCode?: number;
    code?: string;
    message?: string;
  };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  return problem(statusCode, ROUTER_DETAILS[code] ?? message);
}

export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof ProblemException) return problem(error.status, error.message, error.errors);
  for (const mapper of mappers) {
    const mapped = mapper(error);
    if (mapped) return mapped;
  }
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const detail =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return problem(
      error.getStatus(),
      Array.isArray(detail) ? detail.join('; ') : String(detail ?? error.message),
    );
  }
  return fastifyClientError(error) ?? problem(500, 'An unexpected error occurred');
}

const logger = new Logger('HTTP');

/** Answers an error as problem+json: the one translation for Nest's filter and Fastify's own errors. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): void {
  const body = { ...toProblem(error), instance: request.url };
  if (body.status >= 500) logger.error(error instanceof Error ? error.stack : String(error));
  void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/** The one error-to-problem+json translation of the whole API. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>(), error);
  }
}
