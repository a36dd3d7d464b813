import { Controller, Get, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@policloud/auth';
import { ReadsNoReadModels } from '../read-your-writes';
import { HealthReport, HealthService } from './health.service';

@ApiTags('operations')
@Public()
// It reports how far behind the read models are: waiting for them would hide that.
@ReadsNoReadModels()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({
    summary:
      'Liveness and the state of the event store, the read models, Kafka and the workers; ' +
      'answers within 3 s, "degraded" with the reason when a part does not answer or is retrying',
  })
  async get(): Promise<HealthReport> {
    return this.health.report();
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (restart it when this fails)' })
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: 200 when the store answers and the read models have not been stuck behind ' +
      'the log (nothing applied) for READY_MAX_LAG_SECONDS, else 503 with the reason',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const readiness = await this.health.readiness();
    if (!readiness.ready) reply.status(503);
    return { status: readiness.ready ? 'ready' : 'not ready', ...readiness };
  }
}
