/**
 * Checks a client can make on what the API returned, independently of the application's code:
 * the FR-only proof (every allocation of every FR-only order ran on a French site under French
 * operator jurisdiction) and every other constraint of every filled order.
 */
import { Allocation, ComputeOrder, Site } from './market-api';
import { MarketOutcome } from './scenario';

export interface FrOnlyProof {
  orders: number;
  ordersWithFills: number;
  allocations: number;
  gpuHours: number;
  sites: string[];
  violations: string[];
}

/** FR-only: the order names jurisdictions, and every one of them is FR. */
export function isFrOnly(order: ComputeOrder): boolean {
  const list = order.constraints.jurisdictions;
  return list !== undefined && list.length > 0 && list.every((code) => code === 'FR');
}

/**
 * Reads the allocations of each FR-only order on their own (`GET /v1/allocations?orderId=`) and
 * checks the country and operator jurisdiction frozen in each at match time, the site's registered
 * country today, and that the allocations add up to the GPU-hours the order says were filled.
 */
export async function proveFrOnly(outcome: MarketOutcome): Promise<FrOnlyProof> {
  const sitesById = new Map(outcome.sites.map((site) => [site.id, site]));
  const proof: FrOnlyProof = {
    orders: 0,
    ordersWithFills: 0,
    allocations: 0,
    gpuHours: 0,
    sites: [],
    violations: [],
  };
  const sites = new Set<string>();
  for (const order of outcome.orders.filter(isFrOnly)) {
    const ref = outcome.orderRefs.get(order.id) ?? order.id;
    proof.orders++;
    const allocations = await outcome.allocationsOfOrder(order.id);
    if (allocations.length > 0) proof.ordersWithFills++;
    let gpuHours = 0;
    for (const allocation of allocations) {
      proof.allocations++;
      gpuHours += allocation.gpus;
      sites.add(allocation.siteId);
      const registered = sitesById.get(allocation.siteId)?.country;
      if (allocation.orderId !== order.id) {
        proof.violations.push(
          `${ref}: GET /v1/allocations?orderId returned ${allocation.allocationId} of order ${allocation.orderId}`,
        );
      }
      if (
        allocation.site.country !== 'FR' ||
        allocation.site.operatorJurisdiction !== 'FR' ||
        registered !== 'FR'
      ) {
        proof.violations.push(
          `${ref}: allocation ${allocation.allocationId} at ${allocation.siteId} ${allocation.slot} ran in ` +
            `country ${allocation.site.country} (registered ${registered}), operator jurisdiction ${allocation.site.operatorJurisdiction}`,
        );
      }
    }
    if (gpuHours !== order.filledGpuHours) {
      proof.violations.push(
        `${ref}: allocations hold ${gpuHours} GPU-h but the order reports ${order.filledGpuHours} filled`,
      );
    }
    proof.gpuHours += gpuHours;
  }
  proof.sites = [...sites].sort();
  return proof;
}

// The blocs as libs/domain/README.md defines them, restated here so the check is independent.
const EU = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'AX',
  'GF',
  'GP',
  'MF',
  'MQ',
  'RE',
  'YT',
];
const BLOCS: Record<string, string[]> = {
  EU,
  EEA: [...EU, 'IS', 'LI', 'NO'],
  GCC: ['AE', 'BH', 'KW', 'OM', 'QA', 'SA'],
  US: ['US'],
};

function withinJurisdictions(country: string, jurisdictions: string[]): boolean {
  return jurisdictions.some((code) => code === country || (BLOCS[code] ?? []).includes(country));
}

export function greatCircleKm(
  a: { lat: number; lon: number },
  b: { lat: number; lon: number },
): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Every allocation against its order: model, currency, price, window, and each constraint. */
export function checkAllocations(outcome: MarketOutcome): string[] {
  const orders = new Map(outcome.orders.map((order) => [order.id, order]));
  const sites = new Map(outcome.sites.map((site) => [site.id, site]));
  const violations: string[] = [];
  const perOrderSlot = new Set<string>();
  const gpusPerSiteSlot = new Map<string, number>();
  for (const allocation of outcome.allocations) {
    const order = orders.get(allocation.orderId);
    const site = sites.get(allocation.siteId);
    if (!order || !site) {
      violations.push(`allocation ${allocation.allocationId}: unknown order or site`);
      continue;
    }
    const problems = allocationProblems(allocation, order, site);
    const key = `${allocation.orderId}@${allocation.slot}`;
    if (perOrderSlot.has(key)) problems.push('two allocations of the order in one slot');
    perOrderSlot.add(key);
    const cell = `${allocation.siteId}@${allocation.slot}`;
    const used = (gpusPerSiteSlot.get(cell) ?? 0) + allocation.gpus;
    gpusPerSiteSlot.set(cell, used);
    if (used > site.gpuCount)
      problems.push(`${used} GPUs allocated at ${cell}, more than the site has`);
    const ref = outcome.orderRefs.get(order.id) ?? order.id;
    for (const problem of problems)
      violations.push(`${ref} @ ${allocation.siteId} ${allocation.slot}: ${problem}`);
  }
  return violations;
}

function allocationProblems(allocation: Allocation, order: ComputeOrder, site: Site): string[] {
  const problems: string[] = [];
  const { constraints } = order;
  if (allocation.gpus !== order.gpus)
    problems.push(`${allocation.gpus} GPUs, the order needs ${order.gpus} at once`);
  if (order.gpuModel && allocation.site.gpuModel !== order.gpuModel)
    problems.push(`GPU model ${allocation.site.gpuModel}`);
  if (allocation.currency !== order.currency) problems.push(`currency ${allocation.currency}`);
  if (allocation.pricePerGpuHour > order.maxPricePerGpuHour)
    problems.push(`price ${allocation.pricePerGpuHour} above the bid`);
  if (allocation.pricePerGpuHour < allocation.reservePerGpuHour)
    problems.push('price below the reserve');
  if (allocation.slot < order.earliestStart || allocation.slot >= order.deadline)
    problems.push('slot outside the window');
  const drawn = allocation.energy.reduce((sum, draw) => sum + draw.wh, 0);
  if (drawn < allocation.gpus * allocation.energyPerGpuHourWh)
    problems.push(`only ${drawn} Wh drawn`);
  if (
    constraints.jurisdictions &&
    !withinJurisdictions(allocation.site.country, constraints.jurisdictions)
  ) {
    problems.push(
      `country ${allocation.site.country} outside ${constraints.jurisdictions.join(',')}`,
    );
  }
  if (constraints.sovereignOperator && !EU.includes(allocation.site.operatorJurisdiction)) {
    problems.push(`operator jurisdiction ${allocation.site.operatorJurisdiction} not in the EU`);
  }
  if (constraints.maxDistanceKm) {
    const km = greatCircleKm(constraints.maxDistanceKm.origin, site.location);
    if (km > constraints.maxDistanceKm.km) problems.push(`${km.toFixed(0)} km from the origin`);
  }
  if (constraints.renewableOnly && allocation.energy.some((draw) => draw.source === 'grid')) {
    problems.push('grid energy in a renewable-only allocation');
  }
  const cap = constraints.maxCarbonGPerKwh;
  if (cap !== undefined && allocation.energy.some((draw) => draw.carbonGPerKwh > cap)) {
    problems.push(`energy above ${cap} gCO2e/kWh`);
  }
  return problems;
}
