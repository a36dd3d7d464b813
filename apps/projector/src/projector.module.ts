import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@policloud/config';
import { RuntimeModule, WorkersModule } from '@policloud/runtime';
import { AuditSealerModule } from '../../audit-api/src/checkpoints/audit-sealer.module';

/**
 * The log's singleton consumers: projection runner, Kafka relay and audit sealer, each run by
 * the leader among the projector's replicas (the others stand by). HTTP: health and metrics.
 */
@Module({})
export class ProjectorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [RuntimeModule.forRoot(config), WorkersModule, AuditSealerModule],
    };
  }
}
