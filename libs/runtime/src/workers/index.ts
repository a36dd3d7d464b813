export * from './periodic-worker';
export * from './worker-registry';
