export * from './webhook-signature';
export * from './webhook-url-safety';
export * from './webhook-key.service';
export * from './webhook-delivery.worker';
