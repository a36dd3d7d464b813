export * from './read-model-barrier';
export * from './read-your-writes.guard';
