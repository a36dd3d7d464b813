/**
 * The readable report of a demo week: what matched where, the energy it used, the prices it
 * cleared at, how the orders fared, and the checks that prove no constraint was broken.
 */
import { FrOnlyProof, isFrOnly } from './checks';
import { Allocation, ComputeOrder } from './market-api';
import { MarketOutcome } from './scenario';
import { MarketSeed } from './seed';

const int = new Intl.NumberFormat('en-GB');
const dec1 = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Minor units to a major amount with its currency (EUR and USD have two decimals). */
function money(minor: number, currency: string): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}

const kwh = (wh: number) => dec1.format(wh / 1000);
const pct = (part: number, whole: number) =>
  whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`;

export function table(headers: string[], rows: string[][], rightAligned: number[] = []): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        rightAligned.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)]
    .map((l) => `  ${l}`)
    .join('\n');
}

function sumBy<T>(
  items: T[],
  key: (item: T) => string,
  value: (item: T) => number,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + value(item));
  return sums;
}

const drawnWh = (allocation: Allocation) =>
  allocation.energy.reduce((sum, draw) => sum + draw.wh, 0);

function constraintLabel(order: ComputeOrder): string {
  const c = order.constraints;
  const parts: string[] = [];
  if (c.jurisdictions)
    parts.push(isFrOnly(order) ? 'FR-only' : `${c.jurisdictions.join('+')}-only`);
  if (c.sovereignOperator) parts.push('EU operator');
  if (c.maxDistanceKm) parts.push(`≤${c.maxDistanceKm.km} km Paris`);
  if (c.renewableOnly) parts.push('renewable');
  if (c.maxCarbonGPerKwh !== undefined) parts.push(`≤${c.maxCarbonGPerKwh} g/kWh`);
  if (order.allOrNone) parts.push('all-or-none');
  return parts.join(', ') || 'none';
}

export function renderReport(
  seed: MarketSeed,
  outcome: MarketOutcome,
  proof: FrOnlyProof,
  violations: string[],
  timings: { bootMs: number; seedMs: number; matchMs: number; settleMs: number; requests: number },
): string {
  const { run, allocations, orders, sites, capacity } = outcome;
  const out: string[] = [];
  const section = (title: string) => out.push('', title, '─'.repeat(title.length));
  const totalGpuHours = allocations.reduce((sum, a) => sum + a.gpus, 0);
  const totalWh = allocations.reduce((sum, a) => sum + drawnWh(a), 0);

  out.push(
    'POLICLOUD MARKETPLACE DEMO — surplus energy into GPU compute',
    `Week ${seed.weekStart} → ${seed.weekEnd} (168 hourly slots), embedded store, all through the HTTP API`,
    `Market: ${sites.length} sites (${int.format(sites.reduce((s, x) => s + x.gpuCount, 0))} GPUs), ` +
      `${seed.offers.length} energy offers from ${new Set(seed.offers.map((o) => o.producerId)).size} producers, ` +
      `${orders.length} compute orders from ${new Set(orders.map((o) => o.buyerId)).size} buyers`,
    `Matching run ${run.id}: ${int.format(run.allocationCount)} allocations, ${int.format(run.filledGpuHours)} GPU-hours, ` +
      `${int.format(run.prices.length)} clearing prices; input at log position ${run.inputPosition}, hash ${run.inputHash.slice(0, 16)}…`,
  );

  // ---- per site
  section('GPU-hours matched per site');
  const bySite = sumBy(
    allocations,
    (a) => a.siteId,
    (a) => a.gpus,
  );
  const whBySite = sumBy(allocations, (a) => a.siteId, drawnWh);
  out.push(
    table(
      [
        'site',
        'ctry',
        'GPUs',
        'model',
        'GPU-h matched',
        'utilisation',
        'kWh used',
        'kWh offered',
        'GPU-h still matchable',
      ],
      sites.map((site) => {
        const slots = capacity.find((c) => c.siteId === site.id)?.slots ?? [];
        const online = slots.reduce((sum, s) => sum + s.gpusOnline, 0);
        const offered = slots.reduce((sum, s) => sum + s.whFree + s.whAllocated, 0);
        const matchable = slots.reduce((sum, s) => sum + s.capacityGpus, 0);
        const matched = bySite.get(site.id) ?? 0;
        return [
          site.id,
          site.country,
          String(site.gpuCount),
          site.gpuModel,
          int.format(matched),
          pct(matched, online),
          kwh(whBySite.get(site.id) ?? 0),
          kwh(offered),
          int.format(matchable),
        ];
      }),
      [2, 4, 5, 6, 7, 8],
    ),
  );

  // ---- per jurisdiction
  section('GPU-hours matched per jurisdiction (site country, as recorded at match time)');
  const byCountry = sumBy(
    allocations,
    (a) => a.site.country,
    (a) => a.gpus,
  );
  const whByCountry = sumBy(allocations, (a) => a.site.country, drawnWh);
  out.push(
    table(
      ['country', 'sites', 'GPU-h matched', 'share', 'kWh used'],
      [...byCountry.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([country, gpuHours]) => [
          country,
          sites
            .filter((s) => s.country === country)
            .map((s) => s.id)
            .join(', '),
          int.format(gpuHours),
          pct(gpuHours, totalGpuHours),
          kwh(whByCountry.get(country) ?? 0),
        ]),
      [2, 3, 4],
    ),
  );

  // ---- energy
  section('Energy turned into compute');
  const whBySource = sumBy(
    allocations.flatMap((a) => a.energy),
    (d) => d.source,
    (d) => d.wh,
  );
  const carbonG = allocations
    .flatMap((a) => a.energy)
    .reduce((sum, d) => sum + (d.wh * d.carbonGPerKwh) / 1000, 0);
  const offeredWh = capacity
    .flatMap((c) => c.slots)
    .reduce((sum, s) => sum + s.whFree + s.whAllocated, 0);
  const heatWh = allocations
    .map(
      (a) =>
        (drawnWh(a) * (sites.find((s) => s.id === a.siteId)?.heatRecovery.recoveredShareBps ?? 0)) /
        10_000,
    )
    .reduce((sum, wh) => sum + wh, 0);
  out.push(
    `  ${kwh(totalWh)} kWh of surplus energy ran ${int.format(totalGpuHours)} GPU-hours ` +
      `(${pct(totalWh, offeredWh)} of the ${kwh(offeredWh)} kWh offered over the week)`,
    `  by source: ${[...whBySource.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([s, wh]) => `${s} ${kwh(wh)} kWh`)
      .join(', ')}`,
    `  average carbon intensity of that energy: ${totalWh ? (carbonG / (totalWh / 1000)).toFixed(1) : '–'} gCO2e/kWh`,
    `  heat recoverable for the Rougeline greenhouses (site's recovered share): ${kwh(heatWh)} kWh`,
  );

  // ---- prices
  section('Clearing prices per site (one uniform price per site and slot, per GPU-hour)');
  out.push(
    table(
      ['site', 'slots cleared', 'reserve', 'min', 'avg (GPU-h weighted)', 'max', 'buyer charges'],
      sites
        .filter((site) => bySite.has(site.id))
        .map((site) => {
          const prices = run.prices
            .filter((p) => p.siteId === site.id)
            .map((p) => p.pricePerGpuHour);
          const mine = allocations.filter((a) => a.siteId === site.id);
          const charged = mine.reduce((sum, a) => sum + a.gpus * a.pricePerGpuHour, 0);
          const gpuHours = bySite.get(site.id)!;
          return [
            site.id,
            String(prices.length),
            money(site.reservePricePerGpuHour, site.currency),
            money(Math.min(...prices), site.currency),
            money(Math.round(charged / gpuHours), site.currency),
            money(Math.max(...prices), site.currency),
            money(charged, site.currency),
          ];
        }),
      [1, 2, 3, 4, 5, 6],
    ),
  );
  const chargesByCurrency = sumBy(
    allocations,
    (a) => a.currency,
    (a) => a.gpus * a.pricePerGpuHour,
  );
  const bids = new Map(orders.map((o) => [o.id, o.maxPricePerGpuHour]));
  const welfare = sumBy(
    allocations,
    (a) => a.currency,
    (a) => a.gpus * ((bids.get(a.orderId) ?? 0) - a.reservePerGpuHour),
  );
  out.push(
    `  planned buyer charges: ${[...chargesByCurrency].map(([c, v]) => money(v, c)).join(' + ')}; ` +
      `welfare Σ(bid − reserve): ${[...welfare].map(([c, v]) => money(v, c)).join(' + ')}`,
  );

  // ---- orders
  section('Compute orders');
  const status = (order: ComputeOrder) =>
    order.status === 'filled'
      ? 'filled'
      : order.status === 'partially_filled'
        ? 'partial'
        : order.status === 'open'
          ? 'unfilled'
          : order.status;
  const counts = sumBy(orders, status, () => 1);
  out.push(
    `  filled ${counts.get('filled') ?? 0}, partially filled ${counts.get('partial') ?? 0}, unfilled ${counts.get('unfilled') ?? 0}` +
      (counts.get('cancelled') ? `, cancelled ${counts.get('cancelled')}` : '') +
      ` (of ${orders.length}); ${int.format(orders.reduce((s, o) => s + o.filledGpuHours, 0))} of ` +
      `${int.format(orders.reduce((s, o) => s + o.gpus * o.hours, 0))} GPU-hours ordered were filled`,
    '',
    table(
      [
        'order',
        'buyer',
        'GPUs×h',
        'model',
        'bid',
        'constraints',
        'filled GPU-h',
        'status',
        'sites',
      ],
      orders.map((order) => [
        outcome.orderRefs.get(order.id) ?? order.id,
        order.buyerId,
        `${order.gpus}×${order.hours}`,
        order.gpuModel ?? 'any',
        money(order.maxPricePerGpuHour, order.currency),
        constraintLabel(order),
        `${int.format(order.filledGpuHours)}/${int.format(order.gpus * order.hours)}`,
        status(order),
        [...new Set(order.fills.map((f) => f.siteId))].sort().join(', ') || '–',
      ]),
      [2, 4, 6],
    ),
  );

  // ---- checks
  section('Sovereignty and constraint checks (from the API responses, independently of the app)');
  out.push(
    proof.violations.length === 0
      ? `  PROOF OK: all ${int.format(proof.allocations)} allocations (${int.format(proof.gpuHours)} GPU-hours) of the ` +
          `${proof.orders} FR-only orders (${proof.ordersWithFills} with fills) ran on sites in FR under FR operator ` +
          `jurisdiction [${proof.sites.join(', ')}]; none ran outside France`
      : `  PROOF FAILED: ${proof.violations.length} FR-only violation(s):\n${proof.violations.map((v) => `    - ${v}`).join('\n')}`,
    violations.length === 0
      ? `  CHECK OK: all ${int.format(allocations.length)} allocations respect their order's GPU model, currency, bid, window, ` +
          'jurisdictions, EU operator, distance, renewable and carbon constraints; no site over its GPUs'
      : `  CHECK FAILED: ${violations.length} constraint violation(s):\n${violations.map((v) => `    - ${v}`).join('\n')}`,
  );

  out.push(
    '',
    `Timings: boot ${timings.bootMs} ms, seeding ${timings.seedMs} ms, matching + reads ${timings.matchMs} ms, ` +
      `usage + closes + statements ${timings.settleMs} ms, ${timings.requests} HTTP requests`,
  );
  return out.join('\n');
}
