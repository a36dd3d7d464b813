import 'reflect-metadata';
import { runService } from '@policloud/runtime';
import { MatchingEngineAppModule } from './matching-engine.app.module';

void runService('matching-engine', (config) => MatchingEngineAppModule.forRoot(config));
