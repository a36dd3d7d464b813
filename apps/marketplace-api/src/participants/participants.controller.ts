import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { IdSource, RequestIds } from '@policloud/http';
import { ParticipantCreatedDto, RegisterParticipantDto } from './participants.dto';
import { ParticipantsService } from './participants.service';

@ApiTags('participants')
@ApiBearerAuth()
@Controller('v1/participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Register a participant; its API key is returned once' })
  @ApiCreatedResponse({ type: ParticipantCreatedDto })
  register(
    @Body() dto: RegisterParticipantDto,
    @CurrentPrincipal() principal: Principal,
    @RequestIds() ids: IdSource,
  ): Promise<ParticipantCreatedDto> {
    return this.participants.register(dto, principal.participantId, ids);
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the API key belongs to' })
  me(@CurrentPrincipal() principal: Principal) {
    return this.participants.describe(principal);
  }
}
