export * from './market.entities';
export * from './market-read-models.migration';
export * from './market.projections';
