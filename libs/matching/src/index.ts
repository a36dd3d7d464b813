export * from './model/types';
export * from './model/input-error';
export * from './model/rules';
export * from './model/snapshot-builder';
export * from './match-orders';
export * from './result/verify-matching';
export * from './quote/quote-order';
