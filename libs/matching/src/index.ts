export * from './matching.types';
export * from './matching.errors';
export * from './matching.rules';
export * from './matching';
export * from './matching.verify';
export * from './snapshot.builder';
