export * from './projection';
export * from './projection-runner';
export * from './projection-checkpoint.entity';
export * from './column-transformers';
export * from './read-model-data-source';
export * from './pglite-typeorm-driver';
export * from './projection-checkpoints.migration';
export * from './marketplace';
