import { Module } from '@nestjs/common';
import { SettlementController } from './settlement/settlement.controller';
import { SettlementService } from './settlement/settlement.service';

/** Settlement over the read models and the log; the projection runner and relay live in the runtime. */
@Module({
  controllers: [SettlementController],
  providers: [SettlementService],
})
export class ProjectorModule {}
