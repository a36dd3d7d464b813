export * from './settlement.entities';
export * from './settlement-read-models.migration';
export * from './settlement.projections';
