/**
 * A large market for the matching-run benchmark, grown from the demo's: its sites, hosts,
 * producers and offers copied `replicas` times under new ids (so 9 × replicas sites), and
 * `orders` orders drawn from the demo's order book with varied sizes, windows and bids.
 * Same options, same market; only the week it is laid on follows the clock.
 */
import { prng } from '../../scripts/demo/profiles';
import { buildSeed, MarketSeed, WEEK_HOURS } from '../../scripts/demo/seed';

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
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
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

  const hourMs = 3_600_000;
  const startMs = Date.parse(base.weekStart);
  const at = (hour: number) =>
    new Date(startMs + hour * hourMs).toISOString().replace('.000Z', 'Z');
  const orders = Array.from({ length: options.orders }, (_, i) => {
    const template = base.orders[int(0, base.orders.length - 1)];
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
      allOrNone: template.allOrNone && random() < 0.5,
    };
  });

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
