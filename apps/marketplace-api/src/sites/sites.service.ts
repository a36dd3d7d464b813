import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Command,
  DomainError,
  Site,
  siteCapacityDecider,
  siteCapacityStreamId,
  SiteCommand,
  siteDecider,
  siteStreamId,
  parseRegisterSite,
  parseScheduleMaintenance,
  parseSetAgreement,
  parseUpdateSite,
  Parsed,
  valueOrThrow,
} from '@policloud/domain';
import { READ_MODELS } from '@policloud/http';
import { Caller } from '../shared/caller.decorator';
import { inRequestTerms } from '../shared/field-names';
import { SiteRow } from '@policloud/projections';
import { CommandHandler, StreamCommands } from '@policloud/runtime';
import { AggregateLookup } from '../shared/aggregate-lookup.service';
import { present, Written } from '../shared/resource';
import {
  ListSitesQuery,
  RegisterSiteDto,
  ScheduleMaintenanceDto,
  SetAgreementDto,
  UpdateSiteDto,
} from './sites.dto';

@Injectable()
export class SitesService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly lookup: AggregateLookup,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
  ) {}

  register({ id, ...site }: RegisterSiteDto, caller: Caller): Promise<Written> {
    const siteId = id ?? caller.ids('site');
    return this.execute(
      siteId,
      parseRegisterSite({ siteId, ...site }),
      [site.hostParticipantId],
      caller,
    );
  }

  update(siteId: string, changes: UpdateSiteDto, caller: Caller): Promise<Written> {
    return this.execute(
      siteId,
      parseUpdateSite({ siteId, changes: { ...changes } }),
      changes.hostParticipantId ? [changes.hostParticipantId] : [],
      caller,
    );
  }

  /**
   * The GPUs go offline on the site's capacity stream too, in the same append: a matching run
   * that read the market before then fails there and matches again with the maintenance.
   */
  scheduleMaintenance(
    siteId: string,
    window: ScheduleMaintenanceDto,
    caller: Caller,
  ): Promise<Written> {
    const data = { siteId, maintenanceId: caller.ids('maintenance'), ...window };
    return this.execute(siteId, parseScheduleMaintenance(data), [], caller, [
      {
        streamId: siteCapacityStreamId(siteId),
        aggregate: siteCapacityDecider,
        commands: { type: 'TakeGpusOffline', data },
        context: undefined,
      },
    ]);
  }

  setAgreement(siteId: string, agreement: SetAgreementDto, caller: Caller): Promise<Written> {
    return this.execute(
      siteId,
      parseSetAgreement({
        siteId,
        ...agreement,
        producers: agreement.producers.map((p) => ({ ...p })),
      }),
      [agreement.hostParticipantId, ...agreement.producers.map((p) => p.participantId)],
      caller,
    );
  }

  async list(query: ListSitesQuery) {
    const rows = await this.readModels.getRepository(SiteRow).find({
      where: {
        ...(query.country ? { country: query.country } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      order: { id: 'ASC' },
    });
    return { items: rows.map(present) };
  }

  async get(siteId: string) {
    const row = await this.readModels.getRepository(SiteRow).findOneBy({ id: siteId });
    if (!row) throw DomainError.notFound('Site', siteId);
    return present<Site>(row);
  }

  private async execute(
    siteId: string,
    parsed: Parsed<SiteCommand>,
    participantIds: string[],
    caller: Caller,
    alongside: StreamCommands<unknown, Command, unknown>[] = [],
  ): Promise<Written> {
    // Refused here, before the command handler: a request with errors writes nothing.
    const handled = async () => {
      const command = valueOrThrow(parsed);
      const participants = await this.lookup.participants(participantIds);
      return this.commands.handle(
        siteStreamId(siteId),
        siteDecider,
        command,
        { findParticipant: (id: string) => participants.get(id) },
        { ...caller, alongside },
      );
    };
    const result = await inRequestTerms(handled(), { siteId: 'id', changes: '' });
    return { id: siteId, revision: result.revision };
  }
}
