import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { IdSource, RequestIds } from '@policloud/http';
import { StartMatchingRunDto } from './matching-runs.dto';
import { MatchingRunsService } from '@policloud/matching-runs';

@ApiTags('matching')
@ApiBearerAuth()
@Controller('v1/matching/runs')
export class MatchingRunsController {
  constructor(private readonly runs: MatchingRunsService) {}

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Run matching over a horizon now; returns the recorded run' })
  run(
    @Body() dto: StartMatchingRunDto,
    @CurrentPrincipal() principal: Principal,
    @RequestIds() ids: IdSource,
  ) {
    return this.runs.run(dto, { actor: principal.participantId, ids });
  }

  @Get(':id')
  @Roles('operator')
  @ApiOperation({ summary: 'A recorded run: input position and hash, welfare, prices' })
  get(@Param('id') id: string) {
    return this.runs.get(id);
  }
}
