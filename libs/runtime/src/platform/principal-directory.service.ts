import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal, PrincipalDirectory, Role } from '@policloud/auth';
import { READ_MODELS } from '@policloud/http';
import { ApiKeyRow, ParticipantRow } from '@policloud/projections';
import { ReadModelBarrier } from '../read-your-writes/read-model-barrier';

const CACHE_LIMIT = 10_000;

/** Resolves API key hashes through the read models; keys never change, so found ones are cached. */
@Injectable()
export class PrincipalDirectoryService implements PrincipalDirectory {
  private readonly cache = new Map<string, Principal>();

  constructor(
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    private readonly barrier: ReadModelBarrier,
  ) {}

  async findByKeyHash(keyHash: string): Promise<Principal | null> {
    const cached = this.cache.get(keyHash);
    if (cached) return cached;
    return (await this.lookUp(keyHash)) ?? (await this.lookUpCaughtUp(keyHash));
  }

  /** A key issued by a command just answered may not be projected yet: wait, then look again. */
  private async lookUpCaughtUp(keyHash: string): Promise<Principal | null> {
    await this.barrier.catchUp();
    return this.lookUp(keyHash);
  }

  private async lookUp(keyHash: string): Promise<Principal | null> {
    const key = await this.readModels.getRepository(ApiKeyRow).findOneBy({ keyHash });
    if (!key) return null;
    const participant = await this.readModels
      .getRepository(ParticipantRow)
      .findOneBy({ id: key.participantId });
    if (!participant) return null;
    const principal: Principal = {
      participantId: participant.id,
      roles: participant.state.roles as Role[],
      siteId: participant.state.siteId,
    };
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(keyHash, principal);
    return principal;
  }
}
