export * from './canonical-json';
export * from './event-hash';
export * from './merkle';
export * from './checkpoint';
export * from './verify-history';
export * from './bundle';
export * from './log-tree';
export * from './witness';
