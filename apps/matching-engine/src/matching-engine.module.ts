import { Module } from '@nestjs/common';
import { MatchingRunsController } from './matching-runs.controller';
import { MatchingRunsService } from './matching-runs.service';
import { MatchingScheduleService } from './matching-schedule.service';
import { MatchingThread } from './matching-thread';

@Module({
  controllers: [MatchingRunsController],
  providers: [MatchingRunsService, MatchingScheduleService, MatchingThread],
  exports: [MatchingRunsService],
})
export class MatchingEngineModule {}
