import 'reflect-metadata';
import { runService } from '@policloud/runtime';
import { AuditApiAppModule } from './audit-api.app.module';

void runService('audit-api', (config) => AuditApiAppModule.forRoot(config));
