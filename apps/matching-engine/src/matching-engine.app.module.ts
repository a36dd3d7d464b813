import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { RuntimeModule } from '@policloud/runtime';
import { MatchingEngineModule } from './matching-engine.module';

/** Matching runs on demand and, under leadership, on schedule. */
@Module({})
export class MatchingEngineAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MatchingEngineAppModule,
      imports: [RuntimeModule.forRoot(config), MatchingEngineModule],
    };
  }
}
