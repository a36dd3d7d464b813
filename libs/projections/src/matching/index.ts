export * from './allocation.entity';
export * from './matching-read-models.migration';
export * from './matching.projections';
export * from './allocation-lists.migration';
export * from './allocation-usage.read-model';
