import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { RuntimeModule } from '@policloud/runtime';
import { AuditApiModule } from './audit-api.module';

/** The auditors' API: stateless reads of the log, any number of replicas. */
@Module({})
export class AuditApiAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AuditApiAppModule, imports: [RuntimeModule.forRoot(config), AuditApiModule] };
  }
}
