import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { RuntimeModule } from '@policloud/runtime';
import { MarketplaceModule } from './marketplace.module';

/** The participants' API: stateless, any number of replicas behind a load balancer. */
@Module({})
export class MarketplaceApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MarketplaceApiModule,
      imports: [RuntimeModule.forRoot(config), MarketplaceModule],
    };
  }
}
