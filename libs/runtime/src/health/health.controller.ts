import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@policloud/auth';
import { FastifyReply } from 'fastify';
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
  @ApiOperation({ summary: 'Liveness and the state of the event store and Kafka (503 when down)' })
  async get(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.report();
    if (report.status === 'down') reply.status(503);
    return report;
  }
}
