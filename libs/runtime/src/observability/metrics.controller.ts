import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@policloud/auth';
import { FastifyReply } from 'fastify';
import { ReadsNoReadModels } from '../read-your-writes';
import { METRICS } from '../runtime.tokens';
import { Metrics } from './metrics';

/** Prometheus scrape endpoint: public like /health, and never waits for read models. */
@ApiExcludeController()
@Public()
@ReadsNoReadModels()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.type(this.metrics.contentType());
    return this.metrics.text();
  }
}
