import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { SettlementService } from './settlement.service';

@ApiTags('settlements')
@ApiBearerAuth()
@Controller('v1/settlements')
export class SettlementController {
  constructor(private readonly settlement: SettlementService) {}

  @Post(':period/close')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary: 'Close a month: one balanced statement per party (a repeat returns the same)',
  })
  close(@Param('period') period: string, @CurrentPrincipal() principal: Principal) {
    return this.settlement.close(period, principal.participantId, principal);
  }

  @Get(':period/statements')
  @Roles('operator', 'buyer', 'producer', 'host')
  @ApiOperation({ summary: "A closed period's statements: all for operators, own for parties" })
  statements(@Param('period') period: string, @CurrentPrincipal() principal: Principal) {
    return this.settlement.statements(period, principal);
  }

  @Get(':period/running')
  @Roles('operator', 'buyer')
  @ApiOperation({ summary: 'Running (not yet closed) GPU-hours and charges per buyer' })
  running(@Param('period') period: string, @CurrentPrincipal() principal: Principal) {
    return this.settlement.running(period, principal);
  }
}
