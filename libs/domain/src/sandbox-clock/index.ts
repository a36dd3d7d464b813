export * from './sandbox-clock';
export * from './sandbox-clock.commands';
export * from './sandbox-clock.events';
export * from './sandbox-clock.parse';
