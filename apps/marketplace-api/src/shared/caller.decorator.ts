import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { AuthenticatedRequest } from '@policloud/auth';
import { idsFor, IdSource, parseIfMatch, RequestWithIds } from '@policloud/http';

/** Who is issuing a command, the ids it may create and the revision it expects (If-Match). */
export interface Caller {
  actor: string;
  ids: IdSource;
  ifMatch?: number;
}

export const CallerOf = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const request = context
    .switchToHttp()
    .getRequest<FastifyRequest & AuthenticatedRequest & RequestWithIds>();
  return {
    actor: request.principal!.participantId,
    ids: request.ids ?? idsFor(undefined),
    ifMatch: parseIfMatch(request.headers['if-match'] as string | undefined),
  };
});
