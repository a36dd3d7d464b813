export * from './audit-witness';
export * from './audit-witness.commands';
export * from './audit-witness.events';
