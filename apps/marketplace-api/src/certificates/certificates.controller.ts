import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { WrittenDto } from '../shared/common.dto';
import { withEtag, Written } from '../shared/resource';
import { ExportCertificatesQuery, ListCertificatesQuery } from './certificates.dto';
import { CertificatesService } from './certificates.service';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('v1/certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get()
  @Roles('buyer', 'auditor')
  @ApiOperation({
    summary: 'Hourly energy-to-compute certificates: buyers their own, auditors any buyer’s',
  })
  list(@Query() query: ListCertificatesQuery, @CurrentPrincipal() principal: Principal) {
    return this.certificates.list(query, principal);
  }

  @Get('bundle')
  @Roles('buyer', 'auditor')
  @ApiOperation({
    summary:
      'Certificates in force over [from, to) with the events they derive from, inclusion proofs and checkpoints (verify with audit:verify --certificates)',
  })
  bundle(@Query() query: ExportCertificatesQuery, @CurrentPrincipal() principal: Principal) {
    return this.certificates.export(query, principal);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Roles('buyer')
  @ApiOperation({ summary: 'Claim a certificate for the buyer’s own consumption (once)' })
  @ApiOkResponse({
    type: WrittenDto,
    description: 'The certificate claimed (claiming again changes nothing)',
  })
  async claim(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.certificates.claim(id, principal, caller);
    return withEtag(reply, written.revision, written);
  }
}
