export * from './audit-log-tree.migration';
