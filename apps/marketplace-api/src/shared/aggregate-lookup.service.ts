import { Injectable } from '@nestjs/common';
import {
  Participant,
  participantDecider,
  participantStreamId,
  Site,
  siteDecider,
  siteStreamId,
} from '@policloud/domain';
import { CommandHandler } from '@policloud/runtime';

/**
 * Facts other aggregates need to decide (a site's agreement, a participant's roles), read from
 * their streams rather than the read models so a decision never rests on a lagging view.
 */
@Injectable()
export class AggregateLookup {
  constructor(private readonly commands: CommandHandler) {}

  async participants(ids: Iterable<string>): Promise<Map<string, Participant>> {
    const found = new Map<string, Participant>();
    for (const id of new Set(ids)) {
      if (typeof id !== 'string' || !id) continue;
      const { state } = await this.commands.load(participantStreamId(id), participantDecider);
      if (state.status !== 'absent') found.set(id, state);
    }
    return found;
  }

  async sites(ids: Iterable<string>): Promise<Map<string, Site>> {
    const found = new Map<string, Site>();
    for (const id of new Set(ids)) {
      if (typeof id !== 'string' || !id) continue;
      const { state } = await this.commands.load(siteStreamId(id), siteDecider);
      if (state.status !== 'absent') found.set(id, state);
    }
    return found;
  }
}
