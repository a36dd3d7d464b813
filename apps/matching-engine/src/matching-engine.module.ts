import { Module } from '@nestjs/common';
import { MatchingRunsController } from './matching-runs.controller';
import { MatchingRunsModule } from '@policloud/matching-runs';
import { MatchingScheduleService } from './matching-schedule.service';

/** The matching engine: runs on demand (POST /v1/matching/runs) and on schedule. */
@Module({
  imports: [MatchingRunsModule],
  controllers: [MatchingRunsController],
  providers: [MatchingScheduleService],
})
export class MatchingEngineModule {}
