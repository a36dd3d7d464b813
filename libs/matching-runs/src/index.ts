export * from './matching-runs.module';
export * from './matching-runs.service';
export * from './matching-thread';
export * from './matching-input';
export * from './run-events';
