export * from './marketplace.entities';
export * from './marketplace-read-models.migration';
export * from './marketplace.projections';
export * from './aggregate-state.projection';
