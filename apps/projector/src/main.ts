import 'reflect-metadata';
import { runService } from '@policloud/runtime';
import { ProjectorModule } from './projector.module';

void runService('projector', (config) => ProjectorModule.forRoot(config));
