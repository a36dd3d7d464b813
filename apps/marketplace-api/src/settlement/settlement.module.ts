import { Module } from '@nestjs/common';
import { CommandHandler } from '@policloud/runtime';
import { SettlementController } from './settlement.controller';
import { SettlementService } from './settlement.service';

/** Settlement closes and statements: commands over the metered log, reads from the read models. */
@Module({
  controllers: [SettlementController],
  providers: [SettlementService, CommandHandler],
})
export class SettlementModule {}
