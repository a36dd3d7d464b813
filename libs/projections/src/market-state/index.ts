export * from './market-state';
export * from './market-state.entities';
export * from './market-state.migration';
export * from './market-state.projections';
