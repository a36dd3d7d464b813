export * from './witness';
