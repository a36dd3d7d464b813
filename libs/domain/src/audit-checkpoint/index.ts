export * from './audit-checkpoint';
export * from './audit-checkpoint.commands';
export * from './audit-checkpoint.events';
