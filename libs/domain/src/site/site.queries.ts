import { slotHour } from '../shared/slots';
import { Agreement, Site } from './site.evolve';

/** The agreement that governs a slot: the last version whose effective date is at or before it. */
export function agreementInForce(site: Site, slot: string): Agreement | undefined {
  const hour = slotHour(slot);
  return site.agreements.filter((agreement) => slotHour(agreement.effectiveFrom) <= hour).at(-1);
}

/** GPUs taken offline by maintenance windows covering the slot (overlapping windows add up). */
export function gpusOfflineAt(site: Pick<Site, 'maintenance'>, slot: string): number {
  const hour = slotHour(slot);
  return site.maintenance
    .filter((window) => slotHour(window.from) <= hour && hour < slotHour(window.to))
    .reduce((sum, window) => sum + window.gpusOffline, 0);
}

/** GPUs the site can offer in a slot before allocations: none unless active. */
export function gpusAvailableAt(site: Site, slot: string): number {
  return site.status === 'active' ? Math.max(0, site.gpuCount - gpusOfflineAt(site, slot)) : 0;
}
