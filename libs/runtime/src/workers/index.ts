export * from './periodic-worker';
export * from './worker-registry';
export * from './projections.worker';
export * from './workers.module';
