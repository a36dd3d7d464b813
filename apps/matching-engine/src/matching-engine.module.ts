import { Module } from '@nestjs/common';
import { MatchingRunsController } from './matching-runs.controller';
import { MatchingRunsService } from './matching-runs.service';
import { MatchingScheduleService } from './matching-schedule.service';

@Module({
  controllers: [MatchingRunsController],
  providers: [MatchingRunsService, MatchingScheduleService],
  exports: [MatchingRunsService],
})
export class MatchingEngineModule {}
