/**
 * An independent check of a matching result against its snapshot, built only on the shared
 * rules: what the property tests assert, and what an auditor replaying a run can use.
 * Returns the violations found (empty when the result is valid).
 */
import { slotHour } from '@policloud/domain';
import {
  allocationReservePerGpuHour,
  energyReservePerGpuHour,
  offerFeedsSite,
  offerQualifiesForOrder,
  siteEligibleForOrder,
  slotsToFill,
  usableSlotIndices,
} from '../model/rules';
import { MatchingResult, MatchingSnapshot } from '../model/types';

export function verifyMatching(snapshot: MatchingSnapshot, result: MatchingResult): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(message);
  const start = slotHour(snapshot.horizon.start);
  const orders = new Map(snapshot.orders.map((order) => [order.orderId, order]));
  const sites = new Map(snapshot.sites.map((site) => [site.siteId, site]));
  const offers = new Map(snapshot.offers.map((offer) => [offer.offerId, offer]));

  const gpusUsed = new Map<string, number>();
  const whUsed = new Map<string, number>();
  const orderSlots = new Map<string, Set<string>>();
  const cells = new Map<
    string,
    { price: number; gpus: number; minBid: number; maxReserve: number }
  >();
  const welfare = new Map<string, { welfare: number; gpuHours: number }>();

  for (const allocation of result.allocations) {
    const where = `allocation ${allocation.allocationId}`;
    const order = orders.get(allocation.orderId);
    const site = sites.get(allocation.siteId);
    if (!order || !site) {
      fail(`${where}: unknown order or site`);
      continue;
    }
    if (allocation.allocationId !== `${allocation.orderId}@${allocation.slot}`)
      fail(`${where}: id is not <orderId>@<slot>`);
    const slotIndex = slotHour(allocation.slot) - start;
    if (!usableSlotIndices(order, snapshot.horizon).includes(slotIndex))
      fail(`${where}: slot outside the order's window or horizon`);
    if (!siteEligibleForOrder(order, site)) fail(`${where}: site breaks the order's constraints`);
    if (allocation.gpus !== order.gpus)
      fail(`${where}: ${allocation.gpus} GPUs, the order needs ${order.gpus} together`);
    if (allocation.currency !== order.currency || allocation.currency !== site.currency)
      fail(`${where}: currency mismatch`);
    if (allocation.bidPerGpuHour !== order.maxPricePerGpuHour)
      fail(`${where}: bid is not the order's max price`);
    if (allocation.buyerId !== order.buyerId) fail(`${where}: buyer mismatch`);
    if (
      allocation.site.country !== site.country ||
      allocation.site.operatorJurisdiction !== site.operatorJurisdiction ||
      allocation.site.energyPerGpuHourWh !== site.energyPerGpuHourWh ||
      [...allocation.site.certifications].sort().join() !== [...site.certifications].sort().join()
    ) {
      fail(`${where}: site facts differ from the snapshot`);
    }

    const slots = orderSlots.get(allocation.orderId) ?? new Set<string>();
    if (slots.has(allocation.slot)) fail(`${where}: the order has two allocations in one slot`);
    slots.add(allocation.slot);
    orderSlots.set(allocation.orderId, slots);
    const cellKey = `${allocation.siteId}|${allocation.slot}`;
    gpusUsed.set(cellKey, (gpusUsed.get(cellKey) ?? 0) + allocation.gpus);

    let wh = 0;
    const draws: { wh: number; energyReservePerGpuHour: number }[] = [];
    for (const draw of allocation.energy) {
      const offer = offers.get(draw.offerId);
      if (!offer) {
        fail(`${where}: unknown offer ${draw.offerId}`);
        continue;
      }
      if (!offerFeedsSite(offer, site))
        fail(`${where}: offer ${offer.offerId} does not feed the site`);
      if (!offerQualifiesForOrder(order, offer))
        fail(`${where}: offer ${offer.offerId} breaks renewableOnly/maxCarbon`);
      if (!Number.isSafeInteger(draw.wh) || draw.wh <= 0) fail(`${where}: draw of ${draw.wh} Wh`);
      if (
        draw.source !== offer.source ||
        draw.carbonGPerKwh !== offer.carbonGPerKwh ||
        draw.producerId !== offer.producerId
      ) {
        fail(`${where}: energy facts differ from offer ${offer.offerId}`);
      }
      wh += draw.wh;
      const key = `${offer.offerId}|${allocation.slot}`;
      whUsed.set(key, (whUsed.get(key) ?? 0) + draw.wh);
      draws.push({
        wh: draw.wh,
        energyReservePerGpuHour: energyReservePerGpuHour(site, offer, snapshot.platformFeeBps),
      });
    }
    if (wh !== allocation.gpus * site.energyPerGpuHourWh)
      fail(`${where}: draws ${wh} Wh for ${allocation.gpus} × e`);
    const reserve = allocationReservePerGpuHour(site.reservePricePerGpuHour, draws);
    if (reserve !== allocation.reservePerGpuHour)
      fail(`${where}: reserve ${allocation.reservePerGpuHour}, expected ${reserve}`);
    if (order.maxPricePerGpuHour < reserve) fail(`${where}: bid below reserve`);
    if (allocation.pricePerGpuHour > order.maxPricePerGpuHour)
      fail(`${where}: price above the bid`);
    if (allocation.pricePerGpuHour < reserve)
      fail(`${where}: price below the reserve of the energy used`);

    const cell = cells.get(cellKey) ?? {
      price: allocation.pricePerGpuHour,
      gpus: 0,
      minBid: Infinity,
      maxReserve: -Infinity,
    };
    if (cell.price !== allocation.pricePerGpuHour) fail(`${where}: two prices in one (site, slot)`);
    cell.gpus += allocation.gpus;
    cell.minBid = Math.min(cell.minBid, order.maxPricePerGpuHour);
    cell.maxReserve = Math.max(cell.maxReserve, reserve);
    cells.set(cellKey, cell);
    const line = welfare.get(allocation.currency) ?? { welfare: 0, gpuHours: 0 };
    line.welfare += allocation.gpus * (order.maxPricePerGpuHour - reserve);
    line.gpuHours += allocation.gpus;
    welfare.set(allocation.currency, line);
  }

  for (const [key, gpus] of gpusUsed) {
    const [siteId, slot] = key.split('|');
    const free = sites.get(siteId)?.freeGpus[slot] ?? 0;
    if (gpus > free) fail(`site ${siteId} at ${slot}: ${gpus} GPUs allocated, ${free} free`);
  }
  for (const [key, wh] of whUsed) {
    const [offerId, slot] = key.split('|');
    const left = offers.get(offerId)?.unallocatedWh[slot] ?? 0;
    if (wh > left) fail(`offer ${offerId} at ${slot}: ${wh} Wh drawn, ${left} unallocated`);
  }

  for (const order of snapshot.orders) {
    const filled = orderSlots.get(order.orderId)?.size ?? 0;
    const wanted = slotsToFill(order);
    if (filled > wanted) fail(`order ${order.orderId}: ${filled} slots filled, ${wanted} wanted`);
    if (order.allOrNone && filled !== 0 && filled !== wanted)
      fail(`order ${order.orderId}: all-or-none filled ${filled}/${wanted}`);
    const line = result.unfilled.find((u) => u.orderId === order.orderId);
    if (filled < wanted) {
      if (
        !line ||
        line.slotsFilled !== filled ||
        line.slotsRequested !== wanted ||
        line.unfilledGpuHours !== (wanted - filled) * order.gpus
      ) {
        fail(`order ${order.orderId}: unfilled line missing or wrong`);
      }
    } else if (line) fail(`order ${order.orderId}: listed unfilled but complete`);
  }

  const prices = new Map(result.clearingPrices.map((p) => [`${p.siteId}|${p.slot}`, p]));
  if (prices.size !== cells.size) fail('clearing prices do not match the cells with allocations');
  for (const [key, cell] of cells) {
    const price = prices.get(key);
    if (!price || price.pricePerGpuHour !== cell.price || price.gpus !== cell.gpus)
      fail(`clearing price of ${key} wrong`);
    if (cell.price > cell.minBid || cell.price < cell.maxReserve)
      fail(`clearing price of ${key} outside [max reserve, min bid]`);
  }
  const total = [...welfare.values()].reduce((sum, line) => sum + line.welfare, 0);
  if (total !== result.totalWelfare)
    fail(`total welfare ${result.totalWelfare}, expected ${total}`);
  for (const line of result.welfare) {
    const expected = welfare.get(line.currency);
    if (!expected || expected.welfare !== line.welfare || expected.gpuHours !== line.gpuHours)
      fail(`welfare of ${line.currency} wrong`);
  }

  const before = (x: string[], y: string[]) => {
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i];
    return false;
  };
  const sorted = <T>(items: T[], key: (item: T) => string[]) =>
    items.every((item, i) => i === 0 || before(key(items[i - 1]), key(item)));
  if (!sorted(result.allocations, (a) => [a.slot, a.siteId, a.orderId]))
    fail('allocations not in canonical order');
  if (!sorted(result.clearingPrices, (p) => [p.siteId, p.slot]))
    fail('clearing prices not in canonical order');
  if (!sorted(result.unfilled, (u) => [u.orderId])) fail('unfilled orders not in canonical order');
  return problems;
}
