export * from './runtime.module';
export * from './runtime.tokens';
export * from './kafka-relay.service';
export * from './health/health.service';
export * from './create-app';
export * from './command-handler';
export * from './infrastructure';
export * from './clock';
