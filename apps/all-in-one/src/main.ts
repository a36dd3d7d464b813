import 'reflect-metadata';
import { runService } from '@policloud/runtime';
import { AllInOneModule } from './all-in-one.module';

void runService('all-in-one', (config) => AllInOneModule.forRoot(config));
