import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { ListAllocationsQuery } from './allocations.dto';
import { AllocationsService } from './allocations.service';

@ApiTags('allocations')
@ApiBearerAuth()
@Controller('v1/allocations')
export class AllocationsController {
  constructor(private readonly allocations: AllocationsService) {}

  @Get()
  @Roles('operator', 'buyer', 'producer', 'host')
  @ApiOperation({ summary: 'Allocations: all for operators, own for buyers, producers and hosts' })
  list(@Query() query: ListAllocationsQuery, @CurrentPrincipal() principal: Principal) {
    return this.allocations.list(query, principal);
  }
}
