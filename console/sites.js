// Sites and their hourly capacity over a week, read once per key and week and shared by views.
import { get, getAll } from './api.js';
import { weekRange } from './week.js';

const cache = new Map();

/** Every site with `capacity`: its slots of the week (GPUs and Wh, allocated and free). */
export function sitesWithCapacity(state) {
  const key = `${state.me.id}|${state.weekStart}`;
  if (!cache.has(key)) {
    const loading = (async () => {
      // Two lists, not a request per site: the network's capacity comes 200 sites a page.
      const [{ items: sites }, capacities] = await Promise.all([
        get('/v1/sites'),
        getAll('/v1/market/capacity', weekRange(state.weekStart), 200),
      ]);
      const capacityOf = new Map(capacities.map((capacity) => [capacity.siteId, capacity]));
      // A site registered between the two reads shows on the next load.
      return sites
        .filter((site) => capacityOf.has(site.id))
        .map((site) => ({ ...site, capacity: capacityOf.get(site.id) }));
    })();
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
  }
  return cache.get(key);
}
