export const APP_CONFIG = Symbol('APP_CONFIG');
export const KAFKA = Symbol('KAFKA');
export const EMBEDDED_DATABASE = Symbol('EMBEDDED_DATABASE');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
export { READ_MODELS } from '@policloud/http';
export const METRICS = Symbol('METRICS');
export const LOGGER = Symbol('LOGGER');
