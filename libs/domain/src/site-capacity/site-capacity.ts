import { SiteGpusAllocated, SlotGpus } from './site-capacity.events';

/**
 * The capacity stream of a site: written by every matching run that allocates there, so that
 * concurrent runs conflict on it. No dash in the prefix: the Kafka relay names topics after the
 * stream id up to its first dash.
 */
export const siteCapacityStreamId = (siteId: string): string => `sitecapacity-${siteId}`;

/**
 * One SiteGpusAllocated per site a run allocates on, sites and slots sorted (code-unit order):
 * the same allocations always give the same events. Pure.
 */
export function siteGpusAllocated(
  runId: string,
  allocations: readonly { siteId: string; slot: string; gpus: number }[],
): SiteGpusAllocated[] {
  const bySite = new Map<string, Map<string, number>>();
  for (const { siteId, slot, gpus } of allocations) {
    const slots = bySite.get(siteId) ?? new Map<string, number>();
    slots.set(slot, (slots.get(slot) ?? 0) + gpus);
    bySite.set(siteId, slots);
  }
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...bySite.keys()].sort(byCodeUnit).map((siteId) => {
    const slots = bySite.get(siteId)!;
    return {
      type: 'SiteGpusAllocated',
      schemaVersion: 1,
      data: {
        siteId,
        runId,
        slots: [...slots.keys()]
          .sort(byCodeUnit)
          .map((slot): SlotGpus => ({ slot, gpus: slots.get(slot)! })),
      },
    };
  });
}
