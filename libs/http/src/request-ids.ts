import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { uuidV5 } from './deterministic-id';

/** Ids for what a request creates: random, or derived from its Idempotency-Key so retries reuse them. */
export type IdSource = (purpose: string) => string;

export interface RequestWithIds {
  ids?: IdSource;
}

export function idsFor(scope: string | undefined): IdSource {
  return scope ? (purpose) => uuidV5(`${scope}\u0000${purpose}`) : () => randomUUID();
}

export const RequestIds = createParamDecorator(
  (_: unknown, context: ExecutionContext): IdSource =>
    context.switchToHttp().getRequest<RequestWithIds>().ids ?? idsFor(undefined),
);
