import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import {
  DomainError,
  EnergyOffer,
  energyOfferDecider,
  EnergyOfferCommand,
  energyOfferStreamId,
  parseAmendEnergyOffer,
  parseListEnergyOffer,
  parseReportCurtailment,
  parseWithdrawEnergyOffer,
  Parsed,
  valueOrThrow,
} from '@policloud/domain';
import { READ_MODELS, SlotRangeQuery } from '@policloud/http';
import { EnergyOfferRow } from '@policloud/projections';
import { Clock, CLOCK, CommandHandler } from '@policloud/runtime';
import { AggregateLookup } from '../shared/aggregate-lookup.service';
import { Caller } from '../shared/caller.decorator';
import { assertOwner, assertVisible } from '../shared/ownership';
import { present, Written } from '../shared/resource';
import {
  AmendEnergyOfferDto,
  ListEnergyOfferDto,
  ListEnergyOffersQuery,
  ReportCurtailmentDto,
} from './energy-offers.dto';

@Injectable()
export class EnergyOffersService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly lookup: AggregateLookup,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  list(dto: ListEnergyOfferDto, caller: Caller): Promise<Written> {
    const offerId = caller.ids('energy-offer');
    return this.execute(
      offerId,
      parseListEnergyOffer({
        offerId,
        producerId: caller.actor,
        listedAt: this.now(),
        ...dto,
        profile: dto.profile.map((slot) => ({ ...slot })),
      }),
      caller,
      dto.siteIds,
      true,
    );
  }

  async amend(
    offerId: string,
    dto: AmendEnergyOfferDto,
    principal: Principal,
    caller: Caller,
  ): Promise<Written> {
    const offer = await this.ownedRow(offerId, principal);
    return this.execute(
      offerId,
      parseAmendEnergyOffer({
        offerId,
        actorId: caller.actor,
        amendedAt: this.now(),
        profile: dto.profile.map((slot) => ({ ...slot })),
      }),
      caller,
      offer.state.siteIds,
    );
  }

  /** The whole offer's unallocated energy, or only that of the future slots in `[from, to)`. */
  async withdraw(
    offerId: string,
    range: SlotRangeQuery,
    principal: Principal,
    caller: Caller,
  ): Promise<Written> {
    const offer = await this.ownedRow(offerId, principal);
    const partial = range.from !== undefined || range.to !== undefined;
    return this.execute(
      offerId,
      parseWithdrawEnergyOffer({
        offerId,
        actorId: caller.actor,
        withdrawnAt: this.now(),
        ...(partial ? { slots: { from: range.from, to: range.to } } : {}),
      }),
      caller,
      offer.state.siteIds,
    );
  }

  async reportCurtailment(
    offerId: string,
    dto: ReportCurtailmentDto,
    principal: Principal,
    caller: Caller,
  ): Promise<Written> {
    const offer = await this.ownedRow(offerId, principal);
    return this.execute(
      offerId,
      parseReportCurtailment({ offerId, actorId: caller.actor, reportedAt: this.now(), ...dto }),
      caller,
      offer.state.siteIds,
    );
  }

  async find(query: ListEnergyOffersQuery, principal: Principal) {
    const rows = await this.readModels.getRepository(EnergyOfferRow).find({
      where: {
        ...(hasRole(principal, 'operator') ? {} : { producerId: principal.participantId }),
        ...(query.status ? { status: query.status } : {}),
      },
      order: { id: 'ASC' },
    });
    return { items: rows.map(present) };
  }

  async get(offerId: string, principal: Principal) {
    const row = await this.readModels.getRepository(EnergyOfferRow).findOneBy({ id: offerId });
    if (!row) throw DomainError.notFound('Energy offer', offerId);
    assertVisible(principal, row.producerId, 'Energy offer', offerId);
    return present<EnergyOffer>(row);
  }

  private async ownedRow(offerId: string, principal: Principal): Promise<EnergyOfferRow> {
    const row = await this.readModels.getRepository(EnergyOfferRow).findOneBy({ id: offerId });
    if (!row) throw DomainError.notFound('Energy offer', offerId);
    assertOwner(principal, row.producerId, 'Energy offer', offerId);
    return row;
  }

  /**
   * Decides with every site the offer feeds in the context (the listed ones, or those of the
   * existing offer): any command may need their agreements, as a raise of a slot does.
   */
  private async execute(
    offerId: string,
    parsed: Parsed<EnergyOfferCommand>,
    caller: Caller,
    sitesFed: readonly string[],
    newStream = false,
  ): Promise<Written> {
    // Refused here, before the command handler: a request with errors writes nothing.
    const command = valueOrThrow(parsed);
    const sites = await this.lookup.sites(sitesFed);
    const result = await this.commands.handle(
      energyOfferStreamId(offerId),
      energyOfferDecider,
      command,
      { findSite: (siteId: string) => sites.get(siteId) },
      { ...caller, newStream },
    );
    return { id: offerId, revision: result.revision };
  }
}
