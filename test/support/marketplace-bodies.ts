/** Request bodies of a small French market in March 2027, for e2e and service specs. */
export function siteBody(
  id: string,
  hostParticipantId: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    id,
    name: `Site ${id}`,
    model: 'PC-100',
    gpuCount: 100,
    gpuModel: 'H100',
    gpuPowerKw: '0.7',
    pue: '1.2',
    location: { lat: 43.5528, lon: 7.0174 },
    country: 'FR',
    operatorLegalEntity: 'Policloud SAS',
    operatorJurisdiction: 'FR',
    certifications: ['SecNumCloud'],
    hostParticipantId,
    heatRecovery: { enabled: false },
    reservePricePerGpuHour: 150,
    currency: 'EUR',
    ...overrides,
  };
}

/** Hourly slots from `start` (ISO UTC whole hour), `count` of them, each with `wh`. */
export function profile(start: string, count: number, wh: number) {
  const first = Date.parse(start);
  return Array.from({ length: count }, (_, i) => ({
    slot: new Date(first + i * 3_600_000).toISOString().replace('.000Z', 'Z'),
    wh,
  }));
}

export function offerBody(siteIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    siteIds,
    source: 'wind',
    carbonGPerKwh: 12,
    floorPricePerMwh: 4500,
    currency: 'EUR',
    profile: profile('2027-03-01T00:00:00Z', 24, 100_000),
    ...overrides,
  };
}

export function orderBody(overrides: Record<string, unknown> = {}) {
  return {
    gpus: 8,
    hours: 4,
    earliestStart: '2027-03-01T08:00:00Z',
    deadline: '2027-03-02T08:00:00Z',
    gpuModel: 'H100',
    maxPricePerGpuHour: 250,
    currency: 'EUR',
    constraints: { jurisdictions: ['FR'] },
    ...overrides,
  };
}

/** A site's meter report of one allocation's slot: GPU-hours delivered, Wh drawn, no heat. */
export function usageBody(
  allocation: { allocationId: string; slot: string },
  gpuHoursDelivered: number,
  whConsumed: number,
) {
  return {
    allocationId: allocation.allocationId,
    slot: allocation.slot,
    gpuHoursDelivered,
    whConsumed,
    heatWhRecovered: 0,
  };
}
