export * from './metrics';
export * from './logger';
export * from './request-logging';
export * from './metrics.controller';
export * from './counting-appends';
