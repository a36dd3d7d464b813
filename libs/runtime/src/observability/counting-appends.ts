import { EventStore, StreamBatch } from '@policloud/event-store';
import { Metrics } from './metrics';

/** The same store, counting by type every event it appended (once the append has returned). */
export function countingAppends<Store extends EventStore>(store: Store, metrics: Metrics): Store {
  const count = (batches: readonly Pick<StreamBatch, 'events'>[]) => {
    for (const batch of batches)
      for (const event of batch.events) metrics.eventsAppended.inc({ type: event.type });
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') {
        return async (...args: Parameters<EventStore['append']>) => {
          const result = await target.append(...args);
          count([{ events: args[1] }]);
          return result;
        };
      }
      if (property === 'appendMany') {
        return async (batches: readonly StreamBatch[]) => {
          const results = await target.appendMany(batches);
          count(batches);
          return results;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
