// Sites and their hourly capacity over a week, read once per key and week and shared by views.
import { get } from './api.js';
import { weekRange } from './week.js';

const cache = new Map();

/** Every site with `capacity`: its slots of the week (GPUs and Wh, allocated and free). */
export function sitesWithCapacity(state) {
  const key = `${state.me.id}|${state.weekStart}`;
  if (!cache.has(key)) {
    const loading = (async () => {
      const { items: sites } = await get('/v1/sites');
      const range = weekRange(state.weekStart);
      const capacities = await Promise.all(
        sites.map((site) => get(`/v1/sites/${encodeURIComponent(site.id)}/capacity`, range)),
      );
      return sites.map((site, index) => ({ ...site, capacity: capacities[index] }));
    })();
    cache.set(key, loading);
    loading.catch(() => cache.delete(key));
  }
  return cache.get(key);
}
