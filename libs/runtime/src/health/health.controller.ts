import { Controller, Get } from '@nestjs/common';
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
}
