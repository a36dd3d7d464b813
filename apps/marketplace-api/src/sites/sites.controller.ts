import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Roles } from '@policloud/auth';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { WrittenDto } from '../shared/common.dto';
import { withEtag, Written } from '../shared/resource';
import { SiteCapacityService } from './site-capacity.service';
import {
  CapacityQuery,
  ListSitesQuery,
  RegisterSiteDto,
  ScheduleMaintenanceDto,
  SetAgreementDto,
  UpdateSiteDto,
} from './sites.dto';
import { SitesService } from './sites.service';

@ApiTags('sites')
@ApiBearerAuth()
@Controller('v1/sites')
export class SitesController {
  constructor(
    private readonly sites: SitesService,
    private readonly capacityOf: SiteCapacityService,
  ) {}

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Register a site' })
  @ApiCreatedResponse({ type: WrittenDto })
  async register(
    @Body() dto: RegisterSiteDto,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.sites.register(dto, caller);
    return withEtag(reply, written.revision, written);
  }

  @Patch(':id')
  @Roles('operator')
  @ApiOperation({ summary: 'Change mutable fields of a site (If-Match: revision)' })
  async update(
    @Param('id') id: string,
    @Body() dto: UpdateSiteDto,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.sites.update(id, dto, caller);
    return withEtag(reply, written.revision, written);
  }

  @Post(':id/maintenance')
  @Roles('operator')
  @ApiOperation({ summary: 'Schedule a maintenance window (GPUs offline)' })
  async scheduleMaintenance(
    @Param('id') id: string,
    @Body() dto: ScheduleMaintenanceDto,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.sites.scheduleMaintenance(id, dto, caller);
    return withEtag(reply, written.revision, written);
  }

  @Put(':id/agreement')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary: 'Set the revenue-share agreement (a new version from its effective date)',
  })
  async setAgreement(
    @Param('id') id: string,
    @Body() dto: SetAgreementDto,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.sites.setAgreement(id, dto, caller);
    return withEtag(reply, written.revision, written);
  }

  @Get()
  @ApiOperation({ summary: 'List sites' })
  list(@Query() query: ListSitesQuery) {
    return this.sites.list(query);
  }

  @Get(':id/capacity')
  @ApiOperation({ summary: 'GPUs and Wh free and allocated per slot' })
  capacity(@Param('id') id: string, @Query() query: CapacityQuery) {
    return this.capacityOf.capacity(id, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One site with its agreements and maintenance windows' })
  async get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const site = await this.sites.get(id);
    return withEtag(reply, site.revision, site);
  }
}
