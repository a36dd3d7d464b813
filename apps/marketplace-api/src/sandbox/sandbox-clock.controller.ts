import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@policloud/auth';
import { ReadsNoReadModels } from '@policloud/runtime';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { AdvanceSandboxClockDto, SandboxClockDto } from './sandbox-clock.dto';
import { SandboxClockService } from './sandbox-clock.service';

@ApiTags('sandbox')
@ApiBearerAuth()
@Controller('v1/sandbox/clock')
export class SandboxClockController {
  constructor(private readonly clock: SandboxClockService) {}

  @Post()
  @HttpCode(200)
  @Roles('operator')
  @ReadsNoReadModels()
  @ApiOperation({
    summary: 'Move the sandbox clock forward (CLOCK=sandbox only; 404 otherwise)',
    description:
      'Time only moves forward; each move is a SandboxClockAdvanced event, so replays and audits ' +
      'see the time the service did. Windows, usage, settlement closes, matching horizons and ' +
      'checkpoints follow the clock.',
  })
  @ApiOkResponse({ type: SandboxClockDto })
  advance(@Body() dto: AdvanceSandboxClockDto, @CallerOf() caller: Caller) {
    return this.clock.advance(dto, caller);
  }
}
