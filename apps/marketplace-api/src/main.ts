import 'reflect-metadata';
import { runService } from '@policloud/runtime';
import { MarketplaceApiModule } from './marketplace-api.module';

void runService('marketplace-api', (config) => MarketplaceApiModule.forRoot(config));
