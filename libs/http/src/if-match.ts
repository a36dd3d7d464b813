import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { ProblemException } from './problem-details';

/** Parses `If-Match: <revision>` (quoted or not, weak or not); undefined when absent. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) {
    throw new ProblemException(400, 'If-Match must be a revision number, e.g. If-Match: "3"', [
      { field: 'If-Match', message: 'must be a revision number' },
    ]);
  }
  return Number(match[1]);
}

export const IfMatch = createParamDecorator((_: unknown, context: ExecutionContext) =>
  parseIfMatch(
    context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'] as string | undefined,
  ),
);

/** The ETag of a resource at a stream revision. */
export function etag(revision: number): string {
  return `"${revision}"`;
}
