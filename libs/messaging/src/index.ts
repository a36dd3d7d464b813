export * from './kafka-event-relay';
export * from './integration-message';
export * from './kafka-health';
export * from './kafka.config';
