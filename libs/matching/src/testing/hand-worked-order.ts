import { MatchingOrder, MatchingSite } from '../model/types';

/** The three hours the hand-worked matching specs trade in. */
export const S0 = '2026-03-02T10:00:00Z';
export const S1 = '2026-03-02T11:00:00Z';
export const S2 = '2026-03-02T12:00:00Z';

/**
 * A hand-worked order: buyer-1's 8 GPUs × 1 h in [S0, S1), bid 3.00 EUR, divisible and
 * unconstrained; `remainingGpuHours` follows the GPUs and hours given.
 */
export function handWorkedOrder(
  orderId: string,
  overrides: Partial<MatchingOrder> = {},
): MatchingOrder {
  const gpus = overrides.gpus ?? 8;
  const hours = overrides.hours ?? 1;
  return {
    orderId,
    buyerId: 'buyer-1',
    placedAt: '2026-03-01T08:00:00.000Z',
    gpus,
    hours,
    remainingGpuHours: gpus * hours,
    earliestStart: S0,
    deadline: S1,
    maxPricePerGpuHour: 300,
    currency: 'EUR',
    allOrNone: false,
    constraints: {},
    ...overrides,
  };
}

/**
 * A hand-worked site: a Paris H100 site in EUR with a 1.50 EUR reserve, e = 800 Wh, 8 GPUs free
 * at S0 and S1.
 */
export function handWorkedSite(
  siteId: string,
  overrides: Partial<MatchingSite> = {},
): MatchingSite {
  return {
    siteId,
    country: 'FR',
    operatorJurisdiction: 'FR',
    certifications: [],
    gpuModel: 'H100',
    location: { lat: 48.8, lon: 2.3 },
    currency: 'EUR',
    reservePricePerGpuHour: 150,
    energyPerGpuHourWh: 800,
    freeGpus: { [S0]: 8, [S1]: 8 },
    ...overrides,
  };
}
