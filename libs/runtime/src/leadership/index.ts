export * from './leadership';
export * from './advisory-lock-leadership';
