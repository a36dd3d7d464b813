import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { uuidV5 } from './deterministic-id';

/** Ids for what a request creates: random, or derived from its Idempotency-Key so retries reuse them. */
export type IdSource = (purpose: string) => string;

export interface RequestWithIds {
  ids?: IdSource;
}

const deterministicSources = new WeakSet<IdSource>();

export function idsFor(scope: string | undefined): IdSource {
  if (!scope) return () => randomUUID();
  const source: IdSource = (purpose) => uuidV5(`${scope}\u0000${purpose}`);
  deterministicSources.add(source);
  return source;
}

/** True when the ids repeat across retries (an Idempotency-Key is in play). */
export function isDeterministic(ids: IdSource): boolean {
  return deterministicSources.has(ids);
}

export const RequestIds = createParamDecorator(
  (_: unknown, context: ExecutionContext): IdSource =>
    context.switchToHttp().getRequest<RequestWithIds>().ids ?? idsFor(undefined),
);

/** Ids derived from the purpose alone (a retry derives the same ones): deterministic. */
export function deterministicIds(derive: (purpose: string) => string): IdSource {
  const source: IdSource = (purpose) => derive(purpose);
  deterministicSources.add(source);
  return source;
}
