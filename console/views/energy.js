// Energy against compute for one site over a week: the Wh offered to it, allocated to compute
// and left over each hour, its GPUs used against free, and the clearing price per hour beside.
import uPlot from 'uplot';
import { get, getIfAvailable } from '../api.js';
import { el, integer, kwh, loading, money, percent, slotLabel, table, toMajor } from '../format.js';
import { sitesWithCapacity } from '../sites.js';
import { weekControl, weekRange } from '../week.js';

const COLOURS = {
  offered: '#6a3d9a',
  allocated: '#1b7837',
  leftOver: '#b35806',
  used: '#08519c',
  free: '#737373',
  price: '#a50f15',
  reserve: '#525252',
};

/**
 * The clearing price of each slot at a site, from the public market data
 * (GET /v1/market/prices): one entry per run that priced the slot, the latest run last.
 */
async function clearingPrices(site, range) {
  const { prices: entries } = await get('/v1/market/prices', { site: site.id, ...range });
  const prices = new Map();
  for (const entry of entries)
    prices.set(entry.slot, { price: entry.pricePerGpuHour, currency: entry.currency });
  return prices;
}

/** The week's clearing prices in a sentence, against the site's reserve. */
function clearingSummary(site, priced, currency) {
  if (priced.length === 0)
    return el('dd', { id: 'clearing-summary', 'data-hours': 0 }, 'no hour cleared');
  const values = priced.map((entry) => entry.price);
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const reserve = site.reservePricePerGpuHour;
  const aboveReserve = values.filter((price) => price > reserve).length;
  return el(
    'dd',
    {
      id: 'clearing-summary',
      'data-hours': priced.length,
      'data-highest': highest,
      'data-above-reserve': aboveReserve,
    },
    `${money(lowest, currency)} – ${money(highest, currency)} in ${priced.length} h; ` +
      `${aboveReserve} h above the reserve of ${money(reserve, site.currency)}`,
  );
}

/** The site a host hosts or a producer's offers feed: what its key most likely came to see. */
async function ownSite(me, sites) {
  const hosted = sites.find((site) => site.hostParticipantId === me.id);
  if (hosted) return hosted.id;
  if (!me.roles.includes('producer')) return undefined;
  const offers = await getIfAvailable('/v1/energy-offers');
  return offers?.items?.flatMap((offer) => offer.siteIds ?? [])[0];
}

const utcDate = (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');

function chart(title, id, series, data, width, height, yLabel) {
  const holder = el('figure', { class: 'chart', id, role: 'img', 'aria-label': title });
  const plot = new uPlot(
    {
      title,
      width,
      height,
      tzDate: utcDate,
      scales: { x: { time: true } },
      axes: [{}, { label: yLabel, size: 70 }],
      series: [{ label: 'Hour (UTC)' }, ...series],
    },
    data,
    holder,
  );
  return { holder, plot };
}

export async function render(container, context) {
  const { state } = context;
  container.replaceChildren(el('h2', { id: 'energy-title' }, 'Energy against compute'));
  const body = el('div');
  const rerender = () => void render(container, context);
  container.append(weekControl(state, rerender), body);
  loading(body, 'sites');
  const sites = await sitesWithCapacity(state);
  if (!context.isCurrent()) return;
  if (sites.length === 0) {
    body.replaceChildren(el('p', {}, 'No site is registered yet.'));
    return;
  }
  state.siteId ??= await ownSite(state.me, sites);
  if (!context.isCurrent()) return;
  const site = sites.find((candidate) => candidate.id === state.siteId) ?? sites[0];
  state.siteId = site.id;

  const picker = el(
    'select',
    { id: 'energy-site', onchange: (event) => ((state.siteId = event.target.value), rerender()) },
    sites.map((candidate) =>
      el(
        'option',
        { value: candidate.id, selected: candidate.id === site.id },
        `${candidate.name} (${candidate.country})`,
      ),
    ),
  );
  const range = weekRange(state.weekStart);
  const prices = await clearingPrices(site, range);
  if (!context.isCurrent()) return;

  const slots = site.capacity.slots;
  const x = slots.map((slot) => Date.parse(slot.slot) / 1000);
  const offered = slots.map((slot) => slot.whAllocated + slot.whFree);
  const allocated = slots.map((slot) => slot.whAllocated);
  const leftOver = slots.map((slot) => slot.whFree);
  const used = slots.map((slot) => slot.gpusAllocated);
  const free = slots.map((slot) => slot.gpusFree);
  const price = slots.map((slot) => {
    const entry = prices.get(slot.slot);
    return entry ? toMajor(entry.price, entry.currency) : null;
  });
  const sum = (values) => values.reduce((total, value) => total + value, 0);
  const totals = {
    offered: sum(offered),
    allocated: sum(allocated),
    leftOver: sum(leftOver),
    used: sum(used),
    free: sum(free),
  };
  const priced = slots.filter((slot) => prices.has(slot.slot)).map((slot) => prices.get(slot.slot));
  const currency = priced[0]?.currency ?? site.currency;

  const wide = Math.max(480, Math.min(800, container.clientWidth * 0.62));
  const narrow = Math.max(320, Math.min(440, container.clientWidth - wide - 40));
  const energy = chart(
    `Energy at ${site.name}, Wh per hour`,
    'energy-chart',
    [
      { label: 'Offered Wh', stroke: COLOURS.offered, width: 2 },
      {
        label: 'Allocated to compute Wh',
        stroke: COLOURS.allocated,
        fill: 'rgba(27,120,55,0.25)',
        width: 2,
      },
      { label: 'Left over Wh', stroke: COLOURS.leftOver, width: 1.5, dash: [6, 4] },
    ],
    [x, offered, allocated, leftOver],
    wide,
    280,
    'Wh',
  );
  const gpus = chart(
    `GPUs at ${site.name}, used against free`,
    'gpu-chart',
    [
      { label: 'GPUs used', stroke: COLOURS.used, fill: 'rgba(8,81,156,0.25)', width: 2 },
      { label: 'GPUs free', stroke: COLOURS.free, width: 1.5, dash: [6, 4] },
    ],
    [x, used, free],
    wide,
    220,
    'GPUs',
  );
  const clearing = chart(
    `Clearing price at ${site.name}, ${currency} per GPU-hour`,
    'price-chart',
    [
      {
        label: `Clearing price (${currency})`,
        stroke: COLOURS.price,
        width: 2,
        paths: uPlot.paths.stepped({ align: 1 }),
        spanGaps: false,
      },
      // The site's reserve beside it: a contested hour clears above the line.
      { label: `Reserve (${site.currency})`, stroke: COLOURS.reserve, width: 1.5, dash: [4, 4] },
    ],
    [x, price, slots.map(() => toMajor(site.reservePricePerGpuHour, site.currency))],
    narrow,
    280,
    currency,
  );

  const summary = el(
    'dl',
    { class: 'summary', id: 'energy-summary' },
    el('dt', {}, 'Offered'),
    el('dd', { 'data-wh': totals.offered }, kwh(totals.offered)),
    el('dt', {}, 'Allocated to compute'),
    el(
      'dd',
      { 'data-wh': totals.allocated },
      `${kwh(totals.allocated)} (${percent(totals.offered ? totals.allocated / totals.offered : 0)})`,
    ),
    el('dt', {}, 'Left over'),
    el('dd', { 'data-wh': totals.leftOver }, kwh(totals.leftOver)),
    el('dt', {}, 'GPU-hours used / free'),
    el('dd', {}, `${integer(totals.used)} / ${integer(totals.free)}`),
    el('dt', {}, 'Clearing price'),
    clearingSummary(site, priced, currency),
  );

  const hourly = el(
    'details',
    { class: 'hourly' },
    el('summary', {}, 'Hour by hour (table)'),
    el(
      'div',
      { class: 'table-wrap' },
      table(
        `Energy and compute at ${site.name}, hour by hour`,
        ['Hour', 'Offered', 'Allocated', 'Left over', 'GPUs used', 'GPUs free', 'Clearing price'],
        slots.map((slot, index) => [
          slotLabel(slot.slot),
          kwh(offered[index]),
          kwh(allocated[index]),
          kwh(leftOver[index]),
          integer(used[index]),
          integer(free[index]),
          prices.has(slot.slot)
            ? money(prices.get(slot.slot).price, prices.get(slot.slot).currency)
            : '—',
        ]),
        { class: 'data' },
      ),
    ),
  );

  body.replaceChildren(
    el('div', { class: 'field' }, el('label', { for: 'energy-site' }, 'Site'), picker),
    el(
      'p',
      { class: 'hint' },
      `${site.name}: ${integer(site.gpuCount)} ${site.gpuModel} GPUs, ${integer(site.capacity.energyPerGpuHourWh)} Wh per GPU-hour, ${site.country}, operator ${site.operatorLegalEntity} (${site.operatorJurisdiction}).`,
    ),
    el(
      'div',
      { class: 'energy-grid' },
      el('div', {}, energy.holder, gpus.holder),
      el('div', {}, clearing.holder, summary),
    ),
    hourly,
  );
}
