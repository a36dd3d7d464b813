export * from './platform-read-models';
export * from './principal-directory.service';
export * from './domain-problem.mapper';
