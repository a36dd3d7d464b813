/**
 * The market as a buyer sees it around the run, through the public API: quotes before it (what
 * an order would fill at, nothing written), then the published clearing prices, the depth of
 * the most contested slot, and why orders were left unfilled — on the run and on the order.
 */
import { ApiClient } from './api-client';
import { MarketDepth, MarketPrices, Quote, UnfilledReason } from './market-api';
import { table } from './report';
import { MarketOutcome } from './scenario';
import { MarketSeed } from './seed';

/** The seed orders the demo asks quotes for before the run: one of each kind. */
const QUOTED = ['fr-health-records', 'eu-h100-train', 'render-h200-block', 'us-h100-tune'];

export interface QuotedOrder {
  ref: string;
  quote: Quote;
}

export interface MarketData {
  prices: MarketPrices['prices'];
  /** The slot with the most site-hours cleared above reserve, and its depth. */
  depth?: MarketDepth['slots'][number];
  /** One unfilled order as GET /v1/compute-orders/:id shows it. */
  orderView?: { ref: string; lastUnfilled: Record<string, unknown> };
}

export async function askQuotes(
  api: ApiClient,
  keys: Map<string, string>,
  seed: MarketSeed,
): Promise<QuotedOrder[]> {
  const quoted: QuotedOrder[] = [];
  for (const ref of QUOTED) {
    const seeded = seed.orders.find((order) => order.ref === ref);
    if (!seeded) continue;
    const { ref: _, buyerId, ...order } = seeded;
    quoted.push({ ref, quote: await api.as(keys.get(buyerId)!).post<Quote>('/v1/quotes', order) });
  }
  return quoted;
}

export async function readMarketData(
  api: ApiClient,
  keys: Map<string, string>,
  seed: MarketSeed,
  outcome: MarketOutcome,
): Promise<MarketData> {
  // Market data is public to every participant: read it as a buyer.
  const buyer = api.as(keys.get(seed.orders[0].buyerId)!);
  const week = { from: seed.weekStart, to: seed.weekEnd };
  const { prices } = await buyer.get<MarketPrices>('/v1/market/prices', week);
  const reserve = new Map(outcome.sites.map((site) => [site.id, site.reservePricePerGpuHour]));
  const contestedBySlot = new Map<string, number>();
  for (const price of prices) {
    if (price.pricePerGpuHour > (reserve.get(price.siteId) ?? Infinity)) {
      contestedBySlot.set(price.slot, (contestedBySlot.get(price.slot) ?? 0) + 1);
    }
  }
  const busiest = [...contestedBySlot.entries()].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  )[0];
  const slot = busiest?.[0] ?? seed.weekStart;
  const next = new Date(Date.parse(slot) + 3_600_000).toISOString().replace('.000Z', 'Z');
  const depth = (
    await buyer.get<MarketDepth>('/v1/market/depth', { from: slot, to: next })
  ).slots.find((line) => line.currency === 'EUR');

  const firstUnfilled =
    outcome.run.unfilled.find((u) => u.reason !== 'no_eligible_site') ?? outcome.run.unfilled[0];
  let orderView: MarketData['orderView'];
  if (firstUnfilled) {
    const ref = outcome.orderRefs.get(firstUnfilled.orderId) ?? firstUnfilled.orderId;
    const owner = seed.orders.find((order) => order.ref === ref)?.buyerId;
    const order = await api
      .as(keys.get(owner!)!)
      .get<{ lastUnfilled?: Record<string, unknown> }>(
        `/v1/compute-orders/${firstUnfilled.orderId}`,
      );
    if (order.lastUnfilled) orderView = { ref, lastUnfilled: order.lastUnfilled };
  }
  return { prices, depth, orderView };
}

const money = (minor: number | null, currency: string) =>
  minor === null ? '–' : `${(minor / 100).toFixed(2)} ${currency}`;

export function renderMarketData(
  outcome: MarketOutcome,
  quotes: QuotedOrder[],
  market: MarketData,
): { text: string; contested: number } {
  const out: string[] = [];
  const section = (title: string) => out.push('', title, '─'.repeat(title.length));

  section('Quotes before the run (POST /v1/quotes: indicative, nothing written)');
  out.push(
    table(
      [
        'order',
        'GPUs×h',
        'fill',
        'hours',
        'sites',
        'price/GPU-h',
        'total',
        'gCO2e/GPU-h',
        'log pos.',
      ],
      quotes.map(({ ref, quote }) => [
        ref,
        `${quote.gpus}×${quote.hoursRequested}`,
        quote.fill,
        String(quote.hoursFilled),
        [...new Set(quote.slots.map((s) => s.siteId))].sort().join(', ') || '–',
        money(quote.pricePerGpuHour, quote.currency),
        money(quote.totalPrice, quote.currency),
        quote.carbonGPerGpuHour === null ? '–' : quote.carbonGPerGpuHour.toFixed(1),
        String(quote.position),
      ]),
      [3, 5, 6, 7, 8],
    ),
    ...quotes
      .filter(({ quote }) => quote.unfilled)
      .map(({ ref, quote }) => `  ${ref}: ${quote.unfilled!.reason} — ${quote.unfilled!.message}`),
  );

  section('Published clearing prices (GET /v1/market/prices): site-hours cleared above reserve');
  const sites = new Map(outcome.sites.map((site) => [site.id, site]));
  const perSite = new Map<
    string,
    { cleared: number; above: number; top: number; gpuHours: number }
  >();
  let contested = 0;
  for (const price of market.prices) {
    const line = perSite.get(price.siteId) ?? { cleared: 0, above: 0, top: 0, gpuHours: 0 };
    line.cleared++;
    line.gpuHours += price.gpuHours;
    if (price.pricePerGpuHour > (sites.get(price.siteId)?.reservePricePerGpuHour ?? Infinity)) {
      line.above++;
      contested++;
    }
    line.top = Math.max(line.top, price.pricePerGpuHour);
    perSite.set(price.siteId, line);
  }
  out.push(
    table(
      ['site', 'reserve', 'site-hours cleared', 'above reserve', 'highest price', 'GPU-hours'],
      [...perSite.entries()].map(([siteId, line]) => {
        const currency = sites.get(siteId)?.currency ?? '';
        return [
          siteId,
          money(sites.get(siteId)?.reservePricePerGpuHour ?? 0, currency),
          String(line.cleared),
          String(line.above),
          money(line.top, currency),
          String(line.gpuHours),
        ];
      }),
      [1, 2, 3, 4, 5],
    ),
  );
  const dearest = [...market.prices]
    .map((p) => ({
      ...p,
      premium: p.pricePerGpuHour - (sites.get(p.siteId)?.reservePricePerGpuHour ?? 0),
    }))
    .filter((p) => p.premium > 0)
    .sort((a, b) => b.premium - a.premium || (a.slot < b.slot ? -1 : 1))[0];
  out.push(
    dearest
      ? `  CONTESTED: ${dearest.siteId} at ${dearest.slot} cleared at ${money(dearest.pricePerGpuHour, dearest.currency)} ` +
          `per GPU-hour, ${money(dearest.premium, dearest.currency)} above its reserve: buyers were left out there for want of GPUs or energy`
      : '  no site-hour was contested: every site cleared at its reserve',
  );

  if (market.depth) {
    const { slot, currency, supply, demand } = market.depth;
    section(`Market depth at ${slot} (GET /v1/market/depth, ${currency}, after the run)`);
    const rows = Math.max(supply.length, demand.length);
    out.push(
      table(
        ['supply price', 'GPU-h offered', 'cumulative', 'demand price', 'GPU-h bid', 'cumulative'],
        Array.from({ length: Math.min(rows, 10) }, (_, i) => [
          supply[i] ? money(supply[i].pricePerGpuHour, currency) : '',
          supply[i] ? String(supply[i].gpuHours) : '',
          supply[i] ? String(supply[i].cumulativeGpuHours) : '',
          demand[i] ? money(demand[i].pricePerGpuHour, currency) : '',
          demand[i] ? String(demand[i].gpuHours) : '',
          demand[i] ? String(demand[i].cumulativeGpuHours) : '',
        ]),
        [0, 1, 2, 3, 4, 5],
      ),
    );
  }

  section('Why orders were not (fully) filled (the run’s response; each order shows its own)');
  const reasons: UnfilledReason[] = outcome.run.unfilled;
  out.push(
    table(
      ['order', 'hours got/wanted', 'reason', 'why'],
      reasons.map((u) => [
        outcome.orderRefs.get(u.orderId) ?? u.orderId,
        `${u.slotsFilled}/${u.slotsRequested}`,
        u.reason,
        u.message,
      ]),
    ),
  );
  if (market.orderView) {
    out.push(
      `  GET /v1/compute-orders/<${market.orderView.ref}> shows it too: lastUnfilled = ` +
        JSON.stringify(market.orderView.lastUnfilled),
    );
  }
  return { text: out.join('\n'), contested };
}
