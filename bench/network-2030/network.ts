/**
 * The 2030 network: `sites` sites of the demo's units (PC-100, PC-360, PC-400) spread over
 * France, Spain, the rest of the EU, the Gulf and the US, each fed by its own wind, solar or
 * grid surplus (some wind farms and grid contracts shared by neighbouring sites of one
 * country), and `orders` orders over one week drawn from the demo's order book (its buyers,
 * constraints and bids, with varied sizes and windows). Same options, same market; only the
 * week it is laid on follows the caller.
 *
 * Given as a `MarketSeed` (what the API is fed) and turned into the matching snapshot the
 * service would build from it on an empty history (`snapshotOfSeed`).
 */
import { CountryCode, energyPerGpuHourWh, storedThousandths } from '@policloud/domain';
import { MatchingSnapshot } from '../../libs/matching/src';
import {
  prng,
  slotIso,
  solarProfile,
  steadyProfile,
  windProfile,
} from '../../scripts/demo/profiles';
import {
  buildSeed,
  MarketSeed,
  OfferSeed,
  ParticipantSeed,
  SiteSeed,
  WEEK_HOURS,
} from '../../scripts/demo/seed';
import { drawOrders } from '../matching/large-market';

export interface NetworkOptions {
  sites: number;
  orders: number;
  seed: number;
}

const HOUR_MS = 3_600_000;

/** Where sites are built: share of the network, centre, spread (degrees), currency mix. */
const AREAS = [
  { countries: ['FR'], share: 0.3, lat: 46.6, lon: 2.4, spread: 3, usdShare: 0 },
  { countries: ['ES'], share: 0.15, lat: 40.4, lon: -3.7, spread: 3, usdShare: 0 },
  {
    countries: ['DE', 'IT', 'NL', 'BE', 'SE', 'FI', 'IE', 'PT', 'AT', 'PL'],
    share: 0.25,
    lat: 50,
    lon: 10,
    spread: 6,
    usdShare: 0,
  },
  { countries: ['AE', 'SA', 'QA'], share: 0.1, lat: 24.5, lon: 51, spread: 3, usdShare: 0.3 },
  { countries: ['US'], share: 0.2, lat: 36, lon: -98, spread: 8, usdShare: 0.75 },
];

/** The demo's units: model name, GPUs, and how often each is built. */
const UNITS = [
  { model: 'PC-100', gpuCount: 100, share: 0.4 },
  { model: 'PC-360', gpuCount: 360, share: 0.25 },
  { model: 'PC-400', gpuCount: 400, share: 0.35 },
];

/** GPU models as the demo's sites have them, with their reserves per GPU-hour. */
const GPUS = [
  { gpuModel: 'H100' as const, gpuPowerKw: '1.275', share: 0.5, reserve: [160, 185] },
  { gpuModel: 'H200' as const, gpuPowerKw: '1.4', share: 0.3, reserve: [150, 240] },
  { gpuModel: 'L40S' as const, gpuPowerKw: '0.6', share: 0.2, reserve: [80, 90] },
];

/** How many sites one shared wind farm or grid contract feeds, at most. */
const SHARED_OFFER_SITES = 3;

function pick<T extends { share: number }>(items: readonly T[], random: () => number): T {
  let left = random();
  for (const item of items) {
    left -= item.share;
    if (left < 0) return item;
  }
  return items[items.length - 1];
}

export function buildNetwork(weekStart: Date, options: NetworkOptions): MarketSeed {
  const base = buildSeed(weekStart, new Date(weekStart.getTime() - 24 * HOUR_MS));
  const random = prng(options.seed);
  const between = (min: number, max: number) => min + random() * (max - min);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const participants: ParticipantSeed[] = base.participants.filter((p) =>
    p.roles.includes('buyer'),
  );
  const sites: SiteSeed[] = [];
  const offers: OfferSeed[] = [];
  const agreements: MarketSeed['agreements'] = [];
  const siteArea: number[] = [];
  for (let index = 0; index < options.sites; index++) {
    const areaIndex = AREAS.indexOf(pick(AREAS, random));
    const area = AREAS[areaIndex];
    const country = area.countries[int(0, area.countries.length - 1)];
    const unit = pick(UNITS, random);
    const gpu = pick(GPUS, random);
    const id = `site-${String(index).padStart(4, '0')}`;
    const host = `host-${id}`;
    participants.push({
      id: host,
      name: `Host of ${id}`,
      roles: ['host'],
      country,
      legalEntity: `Host ${id}`,
    });
    const french = country === 'FR';
    sites.push({
      id,
      name: `${unit.model} ${country} ${index}`,
      model: unit.model,
      gpuCount: unit.gpuCount,
      gpuModel: gpu.gpuModel,
      gpuPowerKw: gpu.gpuPowerKw,
      pue: (1.1 + 0.05 * int(0, 5)).toFixed(2),
      location: {
        lat: Number((area.lat + between(-area.spread, area.spread)).toFixed(4)),
        lon: Number((area.lon + between(-area.spread, area.spread)).toFixed(4)),
      },
      country,
      operatorLegalEntity: french ? 'Policloud SAS' : `Operator ${id}`,
      operatorJurisdiction: country,
      certifications: french && random() < 0.5 ? ['SecNumCloud', 'ISO/IEC 27001'] : [],
      hostParticipantId: host,
      heatRecovery: { enabled: false },
      reservePricePerGpuHour: int(gpu.reserve[0], gpu.reserve[1]),
      currency: random() < area.usdShare ? 'USD' : 'EUR',
    });
    siteArea.push(areaIndex);
  }

  // Energy: each site its own wind or solar surplus; some sites also share a wind farm or a
  // grid contract with up to two neighbours of the same country and currency.
  const producersOf = new Map<string, string[]>(sites.map((site) => [site.id, []]));
  const addOffer = (siteIds: string[], source: OfferSeed['source'], kwh: number) => {
    const first = sites.find((site) => site.id === siteIds[0])!;
    const ref = `offer-${offers.length}`;
    const producerId = `producer-${offers.length}`;
    participants.push({
      id: producerId,
      name: `Producer ${offers.length}`,
      roles: ['producer'],
      country: first.country,
      legalEntity: `Producer ${offers.length} (${source})`,
    });
    for (const siteId of siteIds) producersOf.get(siteId)!.push(producerId);
    const profileSeed = int(1, 2 ** 30);
    const profile =
      source === 'solar'
        ? solarProfile(weekStart, WEEK_HOURS, {
            seed: profileSeed,
            peakSurplusKwh: kwh * 1.6,
            ...first.location,
          })
        : source === 'wind'
          ? windProfile(weekStart, WEEK_HOURS, {
              seed: profileSeed,
              ratedSurplusKwh: kwh * 1.3,
              meanSpeed: between(7, 9),
            })
          : steadyProfile(weekStart, WEEK_HOURS, profileSeed, kwh * 0.5);
    offers.push({
      ref,
      producerId,
      siteIds,
      source,
      carbonGPerKwh:
        source === 'grid' ? int(60, 450) : source === 'solar' ? int(20, 30) : int(9, 13),
      floorPricePerMwh:
        source === 'grid'
          ? int(5500, 8000)
          : source === 'solar'
            ? int(1500, 3800)
            : int(2000, 4200),
      currency: first.currency,
      profile,
    });
  };
  /** What the site draws at full load, kWh per hour. */
  const siteKwh = (site: SiteSeed) => site.gpuCount * Number(site.gpuPowerKw) * Number(site.pue);
  sites.forEach((site, index) => {
    addOffer([site.id], random() < 0.5 ? 'solar' : 'wind', siteKwh(site) * between(0.3, 0.8));
    if (random() < 0.3) {
      const neighbours: string[] = [];
      for (let other = index + 1; other < sites.length && other < index + 40; other++) {
        if (neighbours.length === SHARED_OFFER_SITES - 1) break;
        const candidate = sites[other];
        if (
          candidate.country === site.country &&
          candidate.currency === site.currency &&
          siteArea[other] === siteArea[index]
        )
          neighbours.push(candidate.id);
      }
      addOffer(
        [site.id, ...neighbours],
        random() < 0.5 ? 'wind' : 'grid',
        siteKwh(site) * between(0.3, 0.7),
      );
    }
  });
  for (const site of sites) {
    agreements.push({
      siteId: site.id,
      producers: producersOf.get(site.id)!,
      producersShareBps: 7000,
      hostShareBps: 3000,
    });
  }

  const orders = drawOrders(base.orders, options.orders, random, weekStart.getTime());

  return {
    ...base,
    participants,
    sites,
    agreements,
    offers,
    orders,
  };
}

/**
 * The snapshot a run over the network's week reads on an empty history: every GPU free, every
 * offer's profile unallocated, each order placed one second after the previous one.
 */
export function snapshotOfSeed(seed: MarketSeed, platformFeeBps = 0): MatchingSnapshot {
  const startMs = Date.parse(seed.weekStart);
  const slots = Array.from({ length: WEEK_HOURS }, (_, hour) => slotIso(startMs + hour * HOUR_MS));
  return {
    horizon: { start: seed.weekStart, end: seed.weekEnd },
    platformFeeBps,
    sites: seed.sites.map((site) => ({
      siteId: site.id,
      country: site.country as CountryCode,
      operatorJurisdiction: site.operatorJurisdiction as CountryCode,
      certifications: site.certifications,
      gpuModel: site.gpuModel,
      location: site.location,
      currency: site.currency,
      reservePricePerGpuHour: site.reservePricePerGpuHour,
      energyPerGpuHourWh: energyPerGpuHourWh(
        storedThousandths(site.gpuPowerKw),
        storedThousandths(site.pue),
      ),
      freeGpus: Object.fromEntries(slots.map((slot) => [slot, site.gpuCount])),
    })),
    offers: seed.offers.map((offer) => ({
      offerId: offer.ref,
      producerId: offer.producerId,
      siteIds: offer.siteIds,
      source: offer.source,
      carbonGPerKwh: offer.carbonGPerKwh,
      floorPricePerMwh: offer.floorPricePerMwh,
      currency: offer.currency,
      unallocatedWh: Object.fromEntries(offer.profile.map(({ slot, wh }) => [slot, wh])),
    })),
    orders: seed.orders.map((order, index) => ({
      orderId: order.ref,
      buyerId: order.buyerId,
      placedAt: slotIso(startMs - 7 * 24 * HOUR_MS + index * 1000),
      gpus: order.gpus,
      hours: order.hours,
      remainingGpuHours: order.gpus * order.hours,
      earliestStart: order.earliestStart,
      deadline: order.deadline,
      ...(order.gpuModel ? { gpuModel: order.gpuModel } : {}),
      maxPricePerGpuHour: order.maxPricePerGpuHour,
      currency: order.currency,
      allOrNone: order.allOrNone ?? false,
      constraints: order.constraints as MatchingSnapshot['orders'][number]['constraints'],
    })),
  };
}
