export const APP_CONFIG = Symbol('APP_CONFIG');
export const KAFKA = Symbol('KAFKA');
