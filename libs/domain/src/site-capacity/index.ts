export * from './site-capacity';
export * from './site-capacity.events';
