export * from './leadership';
export * from './advisory-lock-leadership';
export * from './singleton-workers';
