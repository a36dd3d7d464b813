import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { SlotRangeQuery } from '@policloud/http';
import { WrittenDto } from '../shared/common.dto';
import { withEtag, Written } from '../shared/resource';
import {
  AmendEnergyOfferDto,
  ListEnergyOfferDto,
  ListEnergyOffersQuery,
  ReportCurtailmentDto,
} from './energy-offers.dto';
import { EnergyOffersService } from './energy-offers.service';

@ApiTags('energy-offers')
@ApiBearerAuth()
@Controller('v1/energy-offers')
export class EnergyOffersController {
  constructor(private readonly offers: EnergyOffersService) {}

  @Post()
  @Roles('producer')
  @ApiOperation({ summary: 'List surplus energy for sites this producer may feed' })
  @ApiCreatedResponse({ type: WrittenDto })
  async list(
    @Body() dto: ListEnergyOfferDto,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.offers.list(dto, caller);
    return withEtag(reply, written.revision, written);
  }

  @Patch(':id')
  @Roles('producer')
  @ApiOperation({ summary: 'Amend the Wh of some slots (never below what is allocated)' })
  async amend(
    @Param('id') id: string,
    @Body() dto: AmendEnergyOfferDto,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.offers.amend(id, dto, principal, caller);
    return withEtag(reply, written.revision, written);
  }

  @Delete(':id')
  @HttpCode(200)
  @Roles('producer')
  @ApiOperation({
    summary:
      'Withdraw the unallocated part of the offer, or only of its future slots in [from, to)',
    description:
      'Without from and to, the whole offer is withdrawn. With them, each slot in the range keeps ' +
      'only its allocated energy and the offer stays open (409 when nothing there is unallocated).',
  })
  async withdraw(
    @Param('id') id: string,
    @Query() range: SlotRangeQuery,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.offers.withdraw(id, range, principal, caller);
    return withEtag(reply, written.revision, written);
  }

  @Post(':id/curtailments')
  @Roles('producer')
  @ApiOperation({ summary: 'Report energy not delivered in a slot (the wind dropped)' })
  async reportCurtailment(
    @Param('id') id: string,
    @Body() dto: ReportCurtailmentDto,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.offers.reportCurtailment(id, dto, principal, caller);
    return withEtag(reply, written.revision, written);
  }

  @Get()
  @Roles('producer', 'operator')
  @ApiOperation({ summary: "Energy offers: a producer's own, all for operators" })
  find(@Query() query: ListEnergyOffersQuery, @CurrentPrincipal() principal: Principal) {
    return this.offers.find(query, principal);
  }

  @Get(':id')
  @Roles('producer', 'operator')
  @ApiOperation({ summary: 'One energy offer with Wh offered, allocated, curtailed per slot' })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const offer = await this.offers.get(id, principal);
    return withEtag(reply, offer.revision, offer);
  }
}
