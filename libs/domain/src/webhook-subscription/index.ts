export * from './webhook-subscription';
export * from './webhook-subscription.commands';
export * from './webhook-subscription.events';
export * from './webhook-subscription.parse';
