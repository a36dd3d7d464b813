import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { RuntimeModule } from '@policloud/runtime';
import { MatchingEngineModule } from '../../matching-engine/src/matching-engine.module';
import { ProjectorModule } from '../../projector/src/projector.module';
import { AuditApiModule } from '../../audit-api/src/audit-api.module';
import { MARKETPLACE_FEATURES, MarketplaceModule } from '../../marketplace-api/src/marketplace.module';

/** Every module in one process: the embedded default. */
@Module({})
export class AllInOneModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        RuntimeModule.forRoot(config, MARKETPLACE_FEATURES),
        MarketplaceModule,
        MatchingEngineModule,
        ProjectorModule,
        AuditApiModule,
      ],
    };
  }
}
