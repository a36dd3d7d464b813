import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { DomainError } from '@policloud/domain';
import { IdSource, RequestIds } from '@policloud/http';
import { CosignatureDto, RegisterWitnessDto } from '../witnesses/witnesses.dto';
import { WitnessesService } from '../witnesses/witnesses.service';
import { ConsistencyProofQuery, InclusionProofQuery } from './proofs.dto';
import { ProofsService } from './proofs.service';

/** The whole-log tree: proofs for auditors, and the witnesses that cosign its checkpoints. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditTreeController {
  constructor(
    private readonly proofs: ProofsService,
    private readonly witnesses: WitnessesService,
  ) {}

  @Get('proofs/inclusion')
  @Roles('auditor')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of an event in the tree of treeSize events' })
  inclusion(@Query() query: InclusionProofQuery) {
    return this.proofs.inclusion(query);
  }

  @Get('proofs/consistency')
  @Roles('auditor')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between tree sizes from and to' })
  consistency(@Query() query: ConsistencyProofQuery) {
    return this.proofs.consistency(query);
  }

  @Post('witnesses')
  @Roles('auditor')
  @ApiOperation({ summary: 'Register an Ed25519 witness key (C2SP cosignature/v1 verifier key)' })
  register(
    @Body() dto: RegisterWitnessDto,
    @CurrentPrincipal() principal: Principal,
    @RequestIds() ids: IdSource,
  ) {
    return this.witnesses.register(dto, principal.participantId, ids);
  }

  @Get('witnesses')
  @Roles('auditor')
  @ApiOperation({ summary: 'Registered witnesses and every cosignature they gave' })
  list() {
    return this.witnesses.list();
  }

  @Post('checkpoints/:treeSize/cosignatures')
  @Roles('auditor')
  @ApiOperation({
    summary:
      'Cosign the checkpoint of a tree size (refused unless it verifies with the witness key)',
  })
  cosign(
    @Param('treeSize') treeSize: string,
    @Body() dto: CosignatureDto,
    @CurrentPrincipal() principal: Principal,
    @RequestIds() ids: IdSource,
  ) {
    return this.witnesses.cosign(treeSizeOf(treeSize), dto, principal.participantId, ids);
  }
}

function treeSizeOf(value: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(value)) {
    throw DomainError.invalid([
      { field: 'treeSize', message: 'must be a tree size (integer ≥ 1)' },
    ]);
  }
  return Number(value);
}
