/**
 * Seeded random marketplaces for property tests, the MILP comparison and the benchmark:
 * sites of 100/360/400 GPUs in European, Gulf and US countries, wind/solar/hydro/biomass
 * offers with hourly profiles plus grid offers, and buyers' orders with a realistic mix of
 * sizes, windows, bids and constraints. Same seed, same snapshot.
 */
import {
  CountryCode,
  CurrencyCode,
  EnergySource,
  energyPerGpuHourWh,
  Jurisdiction,
  OrderConstraints,
  prng,
  slotAt,
  slotHour,
  storedThousandths,
} from '@policloud/domain';
import { MatchingEnergyOffer, MatchingOrder, MatchingSite, MatchingSnapshot } from '../model/types';

export interface RandomSnapshotOptions {
  seed: number;
  orders: number;
  sites: number;
  slots: number;
  /** Demand over supply in GPU-hours, roughly (default 1.2: some orders must lose). */
  tightness?: number;
  /** Energy floor prices high enough for the energy reserve to beat the site's (default false). */
  priceyEnergy?: boolean;
  /** Share of orders with each kind of constraint (default 0.25). */
  constraintRate?: number;
  /** Share of all-or-none orders (default 0.15). */
  allOrNoneRate?: number;
  /** Largest order in GPUs (default 128). */
  maxGpus?: number;
  /** Longest order in hours (default 24). */
  maxHours?: number;
  /** Only EUR, H100 (default false): one market, so every order competes with every other. */
  singleMarket?: boolean;
}

interface Country {
  code: CountryCode;
  lat: number;
  lon: number;
  currency: CurrencyCode;
  gridCarbon: number;
}

const COUNTRIES: Country[] = [
  { code: 'FR', lat: 46.6, lon: 2.4, currency: 'EUR', gridCarbon: 56 },
  { code: 'DE', lat: 51.2, lon: 10.4, currency: 'EUR', gridCarbon: 380 },
  { code: 'ES', lat: 40.4, lon: -3.7, currency: 'EUR', gridCarbon: 150 },
  { code: 'SE', lat: 62.0, lon: 15.0, currency: 'EUR', gridCarbon: 30 },
  { code: 'FI', lat: 64.0, lon: 26.0, currency: 'EUR', gridCarbon: 80 },
  { code: 'IE', lat: 53.4, lon: -8.2, currency: 'EUR', gridCarbon: 300 },
  { code: 'NL', lat: 52.1, lon: 5.3, currency: 'EUR', gridCarbon: 330 },
  { code: 'PL', lat: 52.0, lon: 19.1, currency: 'EUR', gridCarbon: 650 },
  { code: 'NO', lat: 61.0, lon: 8.5, currency: 'EUR', gridCarbon: 20 },
  { code: 'IS', lat: 64.9, lon: -18.6, currency: 'EUR', gridCarbon: 28 },
  { code: 'AE', lat: 24.4, lon: 54.4, currency: 'EUR', gridCarbon: 420 },
  { code: 'SA', lat: 24.7, lon: 46.7, currency: 'USD', gridCarbon: 550 },
  { code: 'US', lat: 39.8, lon: -98.6, currency: 'USD', gridCarbon: 370 },
  { code: 'CH', lat: 46.8, lon: 8.2, currency: 'EUR', gridCarbon: 40 },
];

const GPU_MODELS = [
  { model: 'H100', powerKw: '0.7', reference: 250, weight: 0.5 },
  { model: 'H200', powerKw: '1', reference: 380, weight: 0.3 },
  { model: 'L40S', powerKw: '0.35', reference: 110, weight: 0.2 },
];

const JURISDICTION_CHOICES: Jurisdiction[][] = [
  ['EU'],
  ['EU'],
  ['EEA'],
  ['FR'],
  ['DE', 'NL'],
  ['FR', 'CH'],
  ['GCC'],
  ['US'],
  ['EU', 'US'],
];

const GPU_SIZES = [1, 2, 4, 8, 16, 32, 64, 128];
const GPU_SIZE_WEIGHTS = [0.15, 0.1, 0.15, 0.25, 0.15, 0.1, 0.07, 0.03];

export function randomSnapshot(options: RandomSnapshotOptions): MatchingSnapshot {
  const random = prng(options.seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const weighted = <T>(items: readonly T[], weights: readonly number[]): T => {
    let r = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  };

  const tightness = options.tightness ?? 1.2;
  const constraintRate = options.constraintRate ?? 0.25;
  const allOrNoneRate = options.allOrNoneRate ?? 0.15;
  const maxGpus = options.maxGpus ?? 128;
  const maxHours = Math.min(options.maxHours ?? 24, options.slots);
  const single = options.singleMarket ?? false;
  const startHour = slotHour('2026-03-02T00:00:00Z');
  const horizon = { start: slotAt(startHour), end: slotAt(startHour + options.slots) };

  // ---------------------------------------------------------------- orders (realistic sizes)
  const sizes = GPU_SIZES.filter((g) => g <= maxGpus);
  const sizeWeights = sizes.map((g) => GPU_SIZE_WEIGHTS[GPU_SIZES.indexOf(g)]);
  const orders: MatchingOrder[] = [];
  const placedBase = Date.parse('2026-03-01T00:00:00Z');
  let demandGpuHours = 0;
  for (let i = 0; i < options.orders; i++) {
    const gpus = weighted(sizes, sizeWeights);
    const hours = int(1, maxHours);
    const first = int(-4, options.slots - hours);
    const slack = chance(0.3) ? 0 : int(0, Math.max(2, Math.min(48, options.slots)));
    const model = single
      ? GPU_MODELS[0]
      : weighted(
          GPU_MODELS,
          GPU_MODELS.map((m) => m.weight),
        );
    const currency: CurrencyCode = single ? 'EUR' : chance(0.85) ? 'EUR' : 'USD';
    const constraints: OrderConstraints = {};
    if (chance(constraintRate)) constraints.jurisdictions = pick(JURISDICTION_CHOICES);
    if (chance(constraintRate * 0.4)) constraints.sovereignOperator = true;
    if (chance(constraintRate * 0.4)) {
      const city = pick(COUNTRIES);
      constraints.maxDistanceKm = { origin: { lat: city.lat, lon: city.lon }, km: int(300, 3000) };
    }
    if (chance(constraintRate * 0.8)) constraints.renewableOnly = true;
    if (chance(constraintRate * 0.6)) constraints.maxCarbonGPerKwh = int(15, 400);
    const allOrNone = chance(allOrNoneRate);
    const filledBefore = !allOrNone && hours > 1 && chance(0.05) ? int(1, hours - 1) : 0;
    demandGpuHours += gpus * (hours - filledBefore);
    orders.push({
      orderId: `order-${String(i).padStart(5, '0')}`,
      buyerId: `buyer-${i % 97}`,
      // Seconds resolution over two days: some orders share their placement time.
      placedAt: new Date(placedBase + int(0, 2 * 86_400) * 1000).toISOString(),
      gpus,
      hours,
      remainingGpuHours: gpus * (hours - filledBefore),
      earliestStart: slotAt(startHour + first),
      deadline: slotAt(startHour + first + hours + slack),
      ...(chance(0.7) || single ? { gpuModel: model.model } : {}),
      maxPricePerGpuHour: Math.round(model.reference * (0.55 + random() * 0.9)),
      currency,
      allOrNone,
      constraints,
    });
  }

  // ---------------------------------------------------------------- sites and energy
  interface RawSite {
    site: Omit<MatchingSite, 'freeGpus'>;
    gpus: number[];
    plant: Omit<MatchingEnergyOffer, 'unallocatedWh'> & { wh: number[] };
    grid?: Omit<MatchingEnergyOffer, 'unallocatedWh'> & { wh: number[] };
  }
  const raw: RawSite[] = [];
  let supplyGpuHours = 0;
  for (let i = 0; i < options.sites; i++) {
    const country = single ? pick(COUNTRIES.filter((c) => c.currency === 'EUR')) : pick(COUNTRIES);
    const model = single
      ? GPU_MODELS[0]
      : weighted(
          GPU_MODELS,
          GPU_MODELS.map((m) => m.weight),
        );
    const gpuCount = pick([100, 360, 400]);
    const pue = (1 + int(30, 400) / 1000).toFixed(3);
    const e = energyPerGpuHourWh(storedThousandths(model.powerKw), storedThousandths(pue));
    const siteId = `site-${String(i).padStart(3, '0')}`;
    const maintenance = chance(0.15)
      ? { from: int(0, options.slots), len: int(2, 24), gpus: int(10, gpuCount) }
      : undefined;
    const gpus: number[] = [];
    for (let t = 0; t < options.slots; t++) {
      const down = maintenance && t >= maintenance.from && t < maintenance.from + maintenance.len;
      gpus.push(down ? gpuCount - maintenance.gpus : gpuCount);
    }
    // Energy: a co-located plant sized around the site's full draw, sometimes a grid offer.
    const fullDraw = gpuCount * e;
    const source = weighted<EnergySource>(
      ['wind', 'solar', 'hydro', 'biomass'],
      [0.45, 0.3, 0.15, 0.1],
    );
    const floor = () => (options.priceyEnergy ? int(20_000, 450_000) : int(1_500, 9_000));
    const plantWh: number[] = [];
    let wind = random();
    for (let t = 0; t < options.slots; t++) {
      const hourOfDay = (startHour + t) % 24;
      let factor: number;
      if (source === 'wind') {
        wind = Math.min(1, Math.max(0, wind + (random() - 0.5) * 0.35));
        factor = wind;
      } else if (source === 'solar') {
        factor =
          hourOfDay >= 6 && hourOfDay < 20
            ? Math.sin(((hourOfDay - 6) / 14) * Math.PI) * (0.6 + random() * 0.4)
            : 0;
      } else {
        factor = 0.5 + random() * 0.4;
      }
      plantWh.push(Math.floor(fullDraw * factor * (0.6 + random() * 0.8)));
    }
    const site: RawSite = {
      site: {
        siteId,
        country: country.code,
        operatorJurisdiction: chance(0.15) ? 'US' : country.code,
        certifications: chance(0.3) ? ['ISO27001', 'SecNumCloud'] : ['ISO27001'],
        gpuModel: model.model,
        location: {
          lat: country.lat + (random() - 0.5) * 4,
          lon: country.lon + (random() - 0.5) * 6,
        },
        currency: country.currency,
        reservePricePerGpuHour: Math.round(model.reference * (0.45 + random() * 0.35)),
        energyPerGpuHourWh: e,
      },
      gpus,
      plant: {
        offerId: `offer-${String(i).padStart(3, '0')}-plant`,
        producerId: `producer-${i}`,
        siteIds: [siteId],
        source,
        carbonGPerKwh: { wind: 11, solar: 41, hydro: 24, biomass: 230, grid: 0 }[source],
        floorPricePerMwh: floor(),
        currency: country.currency,
        wh: plantWh,
      },
    };
    if (chance(0.4)) {
      const level = Math.floor(fullDraw * (0.1 + random() * 0.5));
      site.grid = {
        offerId: `offer-${String(i).padStart(3, '0')}-grid`,
        producerId: `trader-${i % 7}`,
        siteIds: [siteId],
        source: 'grid',
        carbonGPerKwh: country.gridCarbon,
        floorPricePerMwh: floor(),
        currency: country.currency,
        wh: Array.from({ length: options.slots }, () => (chance(0.85) ? level : 0)),
      };
    }
    for (let t = 0; t < options.slots; t++) {
      const wh = site.plant.wh[t] + (site.grid?.wh[t] ?? 0);
      supplyGpuHours += Math.min(gpus[t], Math.floor(wh / e));
    }
    raw.push(site);
  }
  // A few plants feed two sites of the same currency: their Wh is shared.
  for (let i = 0; i + 1 < raw.length; i += 5) {
    const other = raw.find((r, j) => j > i && r.site.currency === raw[i].site.currency);
    if (other && chance(0.5)) raw[i].plant.siteIds = [raw[i].site.siteId, other.site.siteId];
  }

  // Earlier runs booked part of the capacity: what is left makes demand ≈ tightness × supply.
  const left = Math.min(1, demandGpuHours / Math.max(1, tightness * supplyGpuHours));
  const perSlot = (values: number[], cap: number): Record<string, number> => {
    const out: Record<string, number> = {};
    values.forEach((value, t) => {
      const kept = Math.min(cap, Math.floor(value * left * (0.7 + random() * 0.6)));
      if (kept > 0) out[slotAt(startHour + t)] = kept;
    });
    return out;
  };
  const sites: MatchingSite[] = [];
  const offers: MatchingEnergyOffer[] = [];
  for (const r of raw) {
    sites.push({ ...r.site, freeGpus: perSlot(r.gpus, Math.max(...r.gpus)) });
    for (const offer of r.grid ? [r.plant, r.grid] : [r.plant]) {
      const { wh, ...rest } = offer;
      offers.push({ ...rest, unallocatedWh: perSlot(wh, Infinity) });
    }
  }
  return { horizon, platformFeeBps: pick([0, 500, 1000, 1500]), orders, sites, offers };
}

/** A copy of `items` in another order: a permutation drawn from `seed`. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = prng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
