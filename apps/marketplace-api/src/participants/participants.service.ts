import { Injectable } from '@nestjs/common';
import { generateApiKey, hashApiKey, Principal } from '@policloud/auth';
import {
  parseIssueApiKey,
  parseRegisterParticipant,
  participantDecider,
  ParticipantCommand,
  participantStreamId,
  valueOrThrow,
} from '@policloud/domain';
import { IdSource } from '@policloud/http';
import { CommandHandler } from '@policloud/runtime';
import { AggregateLookup } from '../shared/aggregate-lookup.service';
import { inRequestTerms } from '../shared/field-names';
import { ParticipantCreatedDto, RegisterParticipantDto } from './participants.dto';

/** A key's public id: a prefix of its hash, safe to show and to log. */
export function apiKeyId(keyHash: string): string {
  return keyHash.slice(0, 16);
}

@Injectable()
export class ParticipantsService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly lookup: AggregateLookup,
  ) {}

  /** Registers a participant with its first API key, atomically: never one without the other. */
  async register(
    dto: RegisterParticipantDto,
    actor: string,
    ids: IdSource,
    apiKey: string = generateApiKey(),
  ): Promise<ParticipantCreatedDto> {
    const participantId = dto.id ?? ids('participant');
    const keyHash = hashApiKey(apiKey);
    const result = await inRequestTerms(
      this.registerWithKey(participantId, dto, keyHash, actor, ids),
      {
        participantId: 'id',
      },
    );
    return {
      id: participantId,
      revision: result.revision,
      apiKey: result.replayed ? null : apiKey,
    };
  }

  private async registerWithKey(
    participantId: string,
    dto: RegisterParticipantDto,
    keyHash: string,
    actor: string,
    ids: IdSource,
  ) {
    // Refused here, before the command handler: a request with errors writes nothing.
    const commands: ParticipantCommand[] = [
      valueOrThrow(
        parseRegisterParticipant({
          participantId,
          name: dto.name,
          roles: dto.roles,
          country: dto.country,
          legalEntity: dto.legalEntity,
          siteId: dto.siteId,
        }),
      ),
      valueOrThrow(parseIssueApiKey({ participantId, keyId: apiKeyId(keyHash), keyHash })),
    ];
    const sites = dto.siteId ? await this.lookup.sites([dto.siteId]) : new Map();
    return this.commands.handle(
      participantStreamId(participantId),
      participantDecider,
      commands,
      { findSite: (siteId: string) => sites.get(siteId) },
      { actor, ids },
    );
  }

  /** Adds a key to an existing participant (the configured operator key). */
  async issueKey(
    participantId: string,
    apiKey: string,
    actor: string,
    ids: IdSource,
  ): Promise<void> {
    const keyHash = hashApiKey(apiKey);
    await this.commands.handle(
      participantStreamId(participantId),
      participantDecider,
      valueOrThrow(parseIssueApiKey({ participantId, keyId: apiKeyId(keyHash), keyHash })),
      { findSite: () => undefined },
      { actor, ids },
    );
  }

  describe(principal: Principal) {
    return { id: principal.participantId, roles: principal.roles, siteId: principal.siteId };
  }
}
