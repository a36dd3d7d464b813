export * from './site-capacity';
export * from './site-capacity.commands';
export * from './site-capacity.events';
