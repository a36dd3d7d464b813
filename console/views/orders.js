// A buyer's orders and where they ran: fill state, why the last run left it short (if it did),
// and the sites each filled hour ran on. Operators pick the buyer; a buyer sees its own only.
import { get, getAll } from '../api.js';
import { el, integer, loading, money, shortId, slotLabel, table } from '../format.js';

const STATUS_TEXT = {
  open: 'Open (nothing filled)',
  partially_filled: 'Partially filled',
  filled: 'Filled',
  cancelled: 'Cancelled',
};

/**
 * Why the last matching run left an order short (`lastUnfilled` on GET /v1/compute-orders/:id,
 * only while it is open or partially filled): the engine's code and a sentence for the buyer.
 */
function unfilledReason(order) {
  const last = order.lastUnfilled;
  if (!last) return order.status === 'filled' ? '—' : 'no run has left it short yet';
  return el(
    'span',
    { class: 'unfilled-reason', 'data-code': last.reason },
    el('code', {}, last.reason),
    ': ',
    last.message,
  );
}

/** Each order still open or partly filled, read one by one: only then does it carry `lastUnfilled`. */
async function withLastUnfilled(orders) {
  return Promise.all(
    orders.map((order) =>
      order.status === 'open' || order.status === 'partially_filled'
        ? get(`/v1/compute-orders/${encodeURIComponent(order.id)}`)
        : order,
    ),
  );
}

function constraintsText(constraints = {}) {
  const parts = [];
  if (constraints.jurisdictions?.length) parts.push(`in ${constraints.jurisdictions.join(', ')}`);
  if (constraints.sovereignOperator) parts.push('sovereign operator');
  if (constraints.renewableOnly) parts.push('renewable only');
  if (constraints.maxCarbonGPerKwh !== undefined)
    parts.push(`≤ ${constraints.maxCarbonGPerKwh} gCO2e/kWh`);
  if (constraints.maxDistanceKm) parts.push(`≤ ${constraints.maxDistanceKm.km} km`);
  return parts.join('; ') || 'none';
}

/** Where the fills ran: per site, the hours in order. */
function whereItRan(order, sitesById) {
  if (!order.fills?.length) return 'not yet';
  const bySite = new Map();
  for (const fill of order.fills)
    bySite.set(fill.siteId, [...(bySite.get(fill.siteId) ?? []), fill]);
  return el(
    'details',
    {},
    el(
      'summary',
      {},
      [...bySite]
        .map(([siteId, fills]) => `${sitesById.get(siteId)?.name ?? siteId}: ${fills.length} h`)
        .join(' · '),
    ),
    el(
      'ul',
      { class: 'fills' },
      [...bySite].flatMap(([siteId, fills]) =>
        fills
          .sort((a, b) => (a.slot < b.slot ? -1 : 1))
          .map((fill) =>
            el(
              'li',
              {},
              `${slotLabel(fill.slot)} — ${sitesById.get(siteId)?.name ?? siteId} (${sitesById.get(siteId)?.country ?? '?'}), ${integer(fill.gpus)} GPUs at ${money(fill.pricePerGpuHour, order.currency)}`,
            ),
          ),
      ),
    ),
  );
}

export async function render(container, context) {
  const { state } = context;
  container.replaceChildren(el('h2', { id: 'orders-title' }, 'Orders and allocations'));
  const body = el('div');
  container.append(body);
  loading(body, 'orders');
  const [orders, { items: sites }] = await Promise.all([
    getAll('/v1/compute-orders'),
    get('/v1/sites'),
  ]);
  if (!context.isCurrent()) return;
  const sitesById = new Map(sites.map((site) => [site.id, site]));
  const buyers = [...new Set(orders.map((order) => order.buyerId))].sort();
  const isOperator = state.me.roles.includes('operator');
  state.buyerId = isOperator
    ? buyers.includes(state.buyerId)
      ? state.buyerId
      : buyers[0]
    : state.me.id;

  const controls = isOperator
    ? el(
        'div',
        { class: 'field' },
        el('label', { for: 'orders-buyer' }, 'Buyer'),
        el(
          'select',
          {
            id: 'orders-buyer',
            onchange: (event) => (
              (state.buyerId = event.target.value),
              void render(container, context)
            ),
          },
          buyers.map((buyer) =>
            el('option', { value: buyer, selected: buyer === state.buyerId }, buyer),
          ),
        ),
      )
    : el('p', { class: 'hint' }, `Your orders, as buyer ${state.me.id}.`);

  const shown = await withLastUnfilled(orders.filter((order) => order.buyerId === state.buyerId));
  if (!context.isCurrent()) return;
  const requested = shown.reduce((sum, order) => sum + order.gpus * order.hours, 0);
  const filled = shown.reduce((sum, order) => sum + order.filledGpuHours, 0);
  body.replaceChildren(
    controls,
    el(
      'p',
      { id: 'orders-summary' },
      `${shown.length} orders, ${integer(filled)} of ${integer(requested)} GPU-hours filled.`,
    ),
    el(
      'div',
      { class: 'table-wrap' },
      table(
        `Orders of ${state.buyerId ?? 'nobody'}`,
        [
          'Order',
          'Buyer',
          'Asked',
          'Window (UTC)',
          'Constraints',
          'Max price',
          'Fill state',
          'Filled',
          'Unfilled reason',
          'Ran on',
        ],
        shown.map((order) => {
          const asked = order.gpus * order.hours;
          return [
            el('code', { title: order.id }, shortId(order.id)),
            order.buyerId,
            `${integer(order.gpus)} GPUs × ${integer(order.hours)} h${order.gpuModel ? ` ${order.gpuModel}` : ''}${order.allOrNone ? ', all or none' : ''}`,
            `${slotLabel(order.earliestStart)} → ${slotLabel(order.deadline)}`,
            constraintsText(order.constraints),
            money(order.maxPricePerGpuHour, order.currency),
            el(
              'span',
              { class: `status status-${order.status}` },
              STATUS_TEXT[order.status] ?? order.status,
            ),
            el(
              'span',
              {},
              el('progress', {
                max: asked,
                value: order.filledGpuHours,
                'aria-label': `${order.filledGpuHours} of ${asked} GPU-hours`,
              }),
              ` ${integer(order.filledGpuHours)} / ${integer(asked)}`,
            ),
            unfilledReason(order),
            whereItRan(order, sitesById),
          ];
        }),
        { class: 'data', id: 'orders-table' },
      ),
    ),
  );
}
