import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { ReadModelBarrier } from './read-model-barrier';

const READS_NO_READ_MODELS = 'policloud:reads-no-read-models';

/** Names the read models a response may be stale from (halted on an event), when any is. */
export const STALE_READ_MODELS_HEADER = 'policloud-stale-read-models';

/**
 * The handler decides from the event store alone and reads no read model, so it need not wait
 * for them to catch up (order placement: its hot path stays one append).
 */
export const ReadsNoReadModels = () => SetMetadata(READS_NO_READ_MODELS, true);

/**
 * Holds every request until the read models include what was committed before it arrived; it
 * never refuses one. While a read model is halted on an event its rows stay as they were, so the
 * answer says so (STALE_READ_MODELS_HEADER) rather than look current. A guard rather than an interceptor: it only has to wait, and Nest's
 * interceptor chain costs every request of the app far more than a guard does.
 */
@Injectable()
export class ReadYourWritesGuard implements CanActivate {
  constructor(
    private readonly barrier: ReadModelBarrier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (!this.reflector.getAllAndOverride<boolean>(READS_NO_READ_MODELS, targets)) {
      await this.barrier.catchUp();
      const halted = await this.barrier.haltedReadModels();
      if (halted.length > 0) {
        context
          .switchToHttp()
          .getResponse<FastifyReply>()
          .header(STALE_READ_MODELS_HEADER, halted.join(', '));
      }
    }
    return true;
  }
}
