export * from './market-history';
