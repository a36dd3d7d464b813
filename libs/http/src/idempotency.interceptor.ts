import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { etag } from './if-match';
import { from, Observable, of, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { IdempotencyRecordEntity } from './idempotency-record.entity';
import { ProblemException } from './problem-details';
import { requestFingerprint } from './request-fingerprint';
import { idsFor, RequestWithIds } from './request-ids';

export const READ_MODELS = Symbol('READ_MODELS');

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Response fields never kept for replays: a secret is shown once, to the first response only. */
const SECRET_FIELDS = ['apiKey', 'secret'];

function withoutSecrets(response: unknown): unknown {
  if (!response || typeof response !== 'object' || Array.isArray(response)) return response ?? null;
  const copy: Record<string, unknown> = { ...(response as Record<string, unknown>) };
  for (const field of SECRET_FIELDS) if (field in copy) copy[field] = null;
  return copy;
}

type Request = FastifyRequest & RequestWithIds & { principal?: { participantId: string } };

/**
 * `Idempotency-Key` on POST: a repeat with the same key and body returns the first response;
 * with another body it is a 409. Ids of what the request creates derive from the key, so even
 * concurrent repeats create one thing (the event store dedupes the events by id).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new ProblemException(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters', [
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const participantId = request.principal?.participantId ?? 'anonymous';
    const requestHash = requestFingerprint(request.method, request.url, request.body);
    request.ids = idsFor(`${participantId}\u0000${key}`);
    const records = this.readModels.getRepository(IdempotencyRecordEntity);
    // Nest applies the route's status after the interceptors: read it where Nest does.
    const statusCode =
      this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;

    const replay = (record: IdempotencyRecordEntity) => {
      if (record.requestHash !== requestHash) {
        throw new ProblemException(
          409,
          'This Idempotency-Key was already used with another request',
        );
      }
      const revision = (record.response as { revision?: unknown } | null)?.revision;
      if (typeof revision === 'number') void reply.header('etag', etag(revision));
      return record.response;
    };

    return from(records.findOneBy({ participantId, key })).pipe(
      switchMap((existing) => {
        if (existing) return of(replay(existing));
        return next.handle().pipe(
          switchMap(async (response) => {
            const inserted = await records
              .createQueryBuilder()
              .insert()
              .values({
                participantId,
                key,
                requestHash,
                statusCode,
                response: withoutSecrets(response) as object,
              })
              .orIgnore()
              .returning(['key'])
              .execute();
            if (inserted.raw.length > 0) return response;
            // A concurrent repeat finished first: answer as it did.
            return replay(await records.findOneByOrFail({ participantId, key }));
          }),
        );
      }),
    );
  }
}
