import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { WrittenDto } from '../shared/common.dto';
import { withEtag, Written } from '../shared/resource';
import { AmendUsageDto, ReportUsageDto } from './usage.dto';
import { UsageService } from './usage.service';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Post()
  @Roles('site')
  @ApiOperation({ summary: 'Report metered GPU-hours, Wh and heat of one allocation (once)' })
  @ApiCreatedResponse({ type: WrittenDto })
  async report(
    @Body() dto: ReportUsageDto,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.usage.report(dto, principal, caller);
    return withEtag(reply, written.revision, written);
  }

  @Post(':allocationId/amendments')
  @Roles('site')
  @ApiOperation({ summary: 'Correct reported usage: an explicit amendment, never an overwrite' })
  async amend(
    @Param('allocationId') allocationId: string,
    @Body() dto: AmendUsageDto,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.usage.amend(allocationId, dto, principal, caller);
    return withEtag(reply, written.revision, written);
  }
}
