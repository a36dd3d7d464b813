import { Module } from '@nestjs/common';
import { MatchingRunsService } from './matching-runs.service';
import { MatchingThread } from './matching-thread';

/** Matching runs and their replay, on a worker thread; no HTTP and no schedule. */
@Module({
  providers: [MatchingRunsService, MatchingThread],
  exports: [MatchingRunsService],
})
export class MatchingRunsModule {}
