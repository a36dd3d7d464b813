/**
 * A large market for the matching-run benchmark, grown from the demo's: its sites, hosts,
 * producers and offers copied `replicas` times under new ids (so 9 × replicas sites), and
 * `orders` orders drawn from the demo's order book with varied sizes, windows and bids.
 * Same options, same market; only the week it is laid on follows the clock.
 */
import { prng, slotIso } from '../../scripts/demo/profiles';
import { buildSeed, MarketSeed, OrderSeed, WEEK_HOURS } from '../../scripts/demo/seed';
import { bySize } from '../support/bench-io';

const HOUR_MS = 3_600_000;

export interface LargeMarketOptions {
  replicas: number;
  orders: number;
  seed: number;
}

export function buildLargeMarket(
  weekStart: Date,
  agreementsEffectiveFrom: Date,
  options: LargeMarketOptions,
): MarketSeed {
  const base = buildSeed(weekStart, agreementsEffectiveFrom);
  const random = prng(options.seed);
  const replicated = new Set(
    base.participants.filter((p) => !p.roles.includes('buyer')).map((p) => p.id),
  );
  const copies = Array.from({ length: options.replicas }, (_, r) => {
    const renamed = (id: string) => (replicated.has(id) ? `${id}-${r}` : id);
    return {
      participants: base.participants
        .filter((p) => replicated.has(p.id))
        .map((p) => ({ ...p, id: renamed(p.id), name: `${p.name} ${r}` })),
      sites: base.sites.map((site) => ({
        ...site,
        id: `${site.id}-${r}`,
        name: `${site.name} ${r}`,
        hostParticipantId: renamed(site.hostParticipantId),
      })),
      agreements: base.agreements.map((agreement) => ({
        ...agreement,
        siteId: `${agreement.siteId}-${r}`,
        producers: agreement.producers.map(renamed),
      })),
      offers: base.offers.map((offer) => ({
        ...offer,
        ref: `${offer.ref}-${r}`,
        producerId: renamed(offer.producerId),
        siteIds: offer.siteIds.map((siteId) => `${siteId}-${r}`),
        // Each copy's surplus a little different, so the copies are not interchangeable.
        profile: offer.profile.map(({ slot, wh }) => ({
          slot,
          wh: Math.max(1, Math.round(wh * (0.7 + 0.6 * random()))),
        })),
      })),
    };
  });

  const orders = drawOrders(base.orders, options.orders, random, Date.parse(base.weekStart));

  return {
    ...base,
    participants: [
      ...base.participants.filter((p) => !replicated.has(p.id)),
      ...copies.flatMap((copy) => copy.participants),
    ],
    sites: copies.flatMap((copy) => copy.sites),
    agreements: copies.flatMap((copy) => copy.agreements),
    offers: copies.flatMap((copy) => copy.offers),
    orders,
  };
}

/**
 * The market the service benchmarks place (99 sites and 10,000 orders; --quick 18 and 2,000;
 * --smoke 9 and 100), on a week starting two hours from now, agreements in force a day before.
 */
export function benchmarkMarket(): MarketSeed {
  const weekStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 2 * HOUR_MS;
  return buildLargeMarket(new Date(weekStart), new Date(weekStart - 24 * HOUR_MS), {
    replicas: bySize({ full: 11, quick: 2, smoke: 1 }),
    orders: bySize({ full: 10_000, quick: 2_000, smoke: 100 }),
    seed: 7,
  });
}

/**
 * `count` orders drawn from `templates` (their buyers, constraints and bids) with varied sizes,
 * windows within the week starting at `weekStartMs`, and bids within ±15 %.
 */
export function drawOrders(
  templates: readonly OrderSeed[],
  count: number,
  random: () => number,
  weekStartMs: number,
): OrderSeed[] {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const at = (hour: number) => slotIso(weekStartMs + hour * HOUR_MS);
  return Array.from({ length: count }, (_, i) => {
    const template = templates[int(0, templates.length - 1)];
    const gpus = Math.max(1, Math.round(template.gpus * (0.1 + 0.5 * random())));
    const hours = int(1, Math.min(48, template.hours));
    const from = int(0, WEEK_HOURS - hours);
    const to = Math.min(WEEK_HOURS, from + hours + int(0, 72));
    return {
      ...template,
      ref: `order-${i}`,
      gpus,
      hours,
      earliestStart: at(from),
      deadline: at(to),
      maxPricePerGpuHour: Math.round(template.maxPricePerGpuHour * (0.85 + 0.3 * random())),
      allOrNone: (template.allOrNone ?? false) && random() < 0.5,
    };
  });
}
