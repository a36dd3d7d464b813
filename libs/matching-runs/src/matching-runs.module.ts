import { Module } from '@nestjs/common';
import { CommandHandler } from '@policloud/runtime';
import { MatchingRunsService } from './matching-runs.service';
import { MatchingThread } from './matching-thread';

/** Matching runs and their replay, on a worker thread; no HTTP and no schedule. */
@Module({
  providers: [MatchingRunsService, MatchingThread, CommandHandler],
  exports: [MatchingRunsService],
})
export class MatchingRunsModule {}
