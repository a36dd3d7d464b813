import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { RuntimeModule, WorkersModule } from '@policloud/runtime';
import { MatchingEngineModule } from '../../matching-engine/src/matching-engine.module';
import { AuditApiModule } from '../../audit-api/src/audit-api.module';
import { AuditSealerModule } from '../../audit-api/src/checkpoints/audit-sealer.module';
import { MarketplaceModule } from '../../marketplace-api/src/marketplace.module';

/** Every service in one process: the embedded default of `npm start`. */
@Module({})
export class AllInOneModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        RuntimeModule.forRoot(config),
        WorkersModule,
        MarketplaceModule,
        MatchingEngineModule,
        AuditApiModule,
        AuditSealerModule,
      ],
    };
  }
}
