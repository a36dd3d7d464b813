export * from './roles';
export * from './api-key';
export * from './auth.decorators';
export * from './api-key.guard';
