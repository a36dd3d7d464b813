import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { generateApiKey, hashApiKey } from '@policloud/auth';
import { AppConfig } from '@policloud/config';
import { participantDecider, participantStreamId } from '@policloud/domain';
import { idsFor } from '@policloud/http';
import { APP_CONFIG, CommandHandler, ReadModelBarrier } from '@policloud/runtime';
import { apiKeyId, ParticipantsService } from './participants.service';

export const FIRST_OPERATOR_ID = 'operator';
const SYSTEM_ACTOR = 'system';

/**
 * The first operator: registered on the first start with OPERATOR_API_KEY, or with a generated
 * key printed once. A configured key that is not yet issued is added on the next start.
 */
@Injectable()
export class OperatorBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Operator');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commands: CommandHandler,
    private readonly participants: ParticipantsService,
    private readonly barrier: ReadModelBarrier,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bootstrapOperator();
    // The app starts serving with its read models up to date (health reports no lag).
    await this.barrier.catchUp();
  }

  private async bootstrapOperator(): Promise<void> {
    const configured = this.config.operatorApiKey;
    const streamId = participantStreamId(FIRST_OPERATOR_ID);
    const { state } = await this.commands.load(streamId, participantDecider);
    if (state.status === 'absent') {
      const apiKey = configured ?? generateApiKey();
      try {
        await this.participants.register(
          { id: FIRST_OPERATOR_ID, name: 'Platform operator', roles: ['operator'], country: 'FR' },
          SYSTEM_ACTOR,
          idsFor(`bootstrap:${hashApiKey(apiKey)}`),
          apiKey,
        );
      } catch (error) {
        // Replicas starting together on an empty log: another one registered the operator first
        // (its key stands); this one only adds OPERATOR_API_KEY when it is configured.
        if ((await this.commands.load(streamId, participantDecider)).state.status === 'absent')
          throw error;
        return this.bootstrapOperator();
      }
      if (!configured) {
        // Printed once, on the first start only: it is stored hashed and cannot be shown again.
        console.log(`\n  First operator API key (shown once, keep it safe): ${apiKey}\n`);
      }
      return;
    }
    if (configured && !state.apiKeyIds.includes(apiKeyId(hashApiKey(configured)))) {
      await this.participants.issueKey(
        FIRST_OPERATOR_ID,
        configured,
        SYSTEM_ACTOR,
        idsFor(`bootstrap:${hashApiKey(configured)}`),
      );
      this.logger.log('OPERATOR_API_KEY issued to the first operator');
    }
  }
}
