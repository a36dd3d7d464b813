import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Roles } from '@policloud/auth';
import { SlotRangeQuery } from '@policloud/http';
import { MatchingRunsService } from '@policloud/matching-runs';
import { AuditEventsQuery } from './audit.dto';
import { AuditEventsService } from './audit-events.service';
import { CheckpointsService } from './checkpoints/checkpoints.service';
import { VerificationService } from './checkpoints/verification.service';
import { SovereigntyService } from './sovereignty.service';

/** The auditor's API: read-only, and nothing here is visible to any other role. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly verification: VerificationService,
    private readonly checkpoints: CheckpointsService,
    private readonly sovereignty: SovereigntyService,
    private readonly runs: MatchingRunsService,
  ) {}

  @Get('events')
  @Roles('auditor')
  @ApiOperation({ summary: 'The event history, filtered, in global order, with a cursor' })
  find(@Query() query: AuditEventsQuery) {
    return this.events.find(query);
  }

  @Get('verify')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Recompute hash chains, Merkle roots and signatures over the log positions (from, to]',
  })
  @ApiQuery({
    name: 'from',
    required: false,
    schema: { type: 'integer', minimum: 0, default: 0 },
    description: 'Global log position after which to start (exclusive); default 0, the beginning',
  })
  @ApiQuery({
    name: 'to',
    required: false,
    schema: { type: 'integer', minimum: 0 },
    description: 'Global log position to stop at (inclusive); default the head of the log',
  })
  verify(@Query('from') from?: string, @Query('to') to?: string) {
    return this.verification.verify({ from, to });
  }

  @Get('checkpoints')
  @Roles('auditor')
  @ApiOperation({ summary: 'Signed checkpoints and the Ed25519 public key that verifies them' })
  published() {
    return this.verification.published();
  }

  @Post('checkpoints')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary: 'Seal the log into a checkpoint now (operators; sealing also runs on a schedule)',
  })
  seal() {
    return this.checkpoints.seal();
  }

  @Get('sovereignty/:buyerId')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Where every GPU-hour of a buyer ran, and a verdict per order constraint',
  })
  report(@Param('buyerId') buyerId: string, @Query() query: SlotRangeQuery) {
    return this.sovereignty.report(buyerId, query);
  }

  @Get('export')
  @Roles('auditor')
  @ApiOperation({
    summary: 'NDJSON bundle: events, hashes, checkpoints, inclusion proofs, public key',
  })
  async export(@Query() query: AuditEventsQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('content-type', 'application/x-ndjson');
    return this.verification.export(query);
  }

  @Get('matching-runs/:id/replay')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Re-execute a recorded matching run from its input position and compare',
  })
  replay(@Param('id') id: string) {
    return this.runs.replay(id);
  }
}
