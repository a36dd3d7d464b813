/**
 * Why each order got less than it wanted from a run: one reason code and one sentence per order,
 * judged on the run's final state against the market as it stood before the run (see README,
 * "Unfilled reasons"). Pure and deterministic.
 */
import { formatMoney } from '@policloud/domain';
import { NONE } from '../engine-state/engine-allocation';
import { MatchingEngine } from '../engine-state/matching-engine';
import { CompiledModel, CompiledOrder } from '../model/compiled-model';
import { offerFeedsSite, offerQualifiesForOrder, siteEligibleForOrder } from '../model/rules';
import { MatchingOrder, MatchingSite, UnfilledOrder } from '../model/types';

/** The unfilled lines, sorted by order id; `price` is the clearing price per cell. */
export function unfilledOrdersOf(
  engine: MatchingEngine,
  before: MatchingEngine,
  price: Float64Array,
): UnfilledOrder[] {
  const unfilled: UnfilledOrder[] = [];
  for (let index = 0; index < engine.model.orders.length; index++) {
    const line = unfilledLineOf(engine, before, price, index);
    if (line) unfilled.push(line);
  }
  return unfilled.sort((x, y) => (x.orderId < y.orderId ? -1 : x.orderId > y.orderId ? 1 : 0));
}

/** The unfilled line of one order (by rank), or undefined when it got every slot it wanted. */
export function unfilledLineOf(
  engine: MatchingEngine,
  before: MatchingEngine,
  price: Float64Array,
  index: number,
): UnfilledOrder | undefined {
  const order = engine.model.orders[index];
  const slotsFilled = engine.filledSlots[index];
  if (slotsFilled >= order.wanted) return undefined;
  const line = {
    orderId: order.order.orderId,
    slotsRequested: order.wanted,
    slotsFilled,
    unfilledGpuHours: (order.wanted - slotsFilled) * order.gpus,
  };
  if (order.staticReason !== undefined) {
    return { ...line, ...staticExplanation(engine.model, order) };
  }
  return { ...line, ...competitionExplanation(engine, before, price, index) };
}

type Explanation = Omit<
  UnfilledOrder,
  'orderId' | 'slotsRequested' | 'slotsFilled' | 'unfilledGpuHours'
>;

function staticExplanation(model: CompiledModel, order: CompiledOrder): Explanation {
  const { currency } = order.order;
  switch (order.staticReason) {
    case 'no_eligible_site': {
      const { constraint, why } = excludingFilter(order.order, model);
      return {
        reason: 'no_eligible_site',
        constraint,
        message: `No site meets the order's constraints: ${why}.`,
      };
    }
    case 'no_slot_in_horizon':
      return {
        reason: 'no_slot_in_horizon',
        message: order.allOrNone
          ? 'The run covered too few of the slots in the order’s window to fill it all at once (all-or-none).'
          : 'No slot of the order’s window fell within the run’s horizon.',
      };
    default: {
      const lowest = order.minReserve[0];
      return {
        reason: 'below_reserve',
        lowestReservePerGpuHour: lowest,
        message: `The bid, ${formatMoney(order.bid, currency)} per GPU-hour, is below every eligible site's reserve (the lowest is ${formatMoney(lowest, currency)}).`,
      };
    }
  }
}

/**
 * Eligible and priced in, yet short: look at every (site, slot) the order could still have used.
 * Room there before the run that others took is `outbid`; else energy short where GPUs were free;
 * else no GPUs. An all-or-none order that had room somewhere missed for its bundle.
 */
function competitionExplanation(
  engine: MatchingEngine,
  before: MatchingEngine,
  price: Float64Array,
  order: number,
): Explanation {
  const model = engine.model;
  const compiled = model.orders[order];
  const slotCount = engine.slotCount;
  let contested = false;
  let lowestPrice = Infinity;
  let gpusFree = false;
  sites: for (let i = 0; i < compiled.sites.length; i++) {
    if (compiled.minReserve[i] > compiled.bid) break;
    const site = compiled.sites[i];
    for (let k = 0; k < compiled.slots.length; k++) {
      const slot = compiled.slots[k];
      if (engine.allocationAt[order * slotCount + slot] !== NONE) continue;
      const cell = site * slotCount + slot;
      if (before.freeGpus[cell] < compiled.gpus) continue;
      gpusFree = true;
      // All-or-none: any free GPUs settle the reason. Otherwise, once contested, a cell only
      // matters if it could lower the price the order needed: the room check is the cost.
      if (compiled.allOrNone) break sites;
      const allocated = engine.cellAllocations[cell].length > 0;
      if (contested && (!allocated || price[cell] >= lowestPrice)) continue;
      if (!before.hasRoom(order, site, slot)) continue;
      contested = true;
      if (allocated && price[cell] < lowestPrice) lowestPrice = price[cell];
    }
  }
  const { currency } = compiled.order;
  if (compiled.allOrNone && (contested || gpusFree)) {
    return {
      reason: 'all_or_none',
      message: `All-or-none: the ${compiled.wanted} slots it wants could not all be filled together in this run.`,
    };
  }
  if (contested) {
    if (lowestPrice === Infinity || lowestPrice < compiled.bid) {
      return {
        reason: 'outbid',
        message:
          'Outbid: the GPUs and energy it could use went to orders that added more welfare (bid more above their reserve) in this run.',
      };
    }
    return {
      reason: 'outbid',
      clearingPricePerGpuHour: lowestPrice,
      message: `Outbid: the GPUs it could use went to higher bids and cleared at ${formatMoney(lowestPrice, currency)} per GPU-hour or more; it needed to bid above that (it bid ${formatMoney(compiled.bid, currency)}).`,
    };
  }
  if (gpusFree) {
    return {
      reason: 'energy_short',
      message:
        'Energy short: the eligible sites had GPUs free in its window, but not enough qualifying energy within its bid.',
    };
  }
  return {
    reason: 'no_free_gpus',
    message: `No free GPUs: no eligible site had ${compiled.gpus} GPUs free in any slot of its window.`,
  };
}

/** The first filter, in the order a buyer sets them, that leaves no site. */
function excludingFilter(
  order: MatchingOrder,
  model: CompiledModel,
): { constraint: string; why: string } {
  const { constraints } = order;
  let sites: MatchingSite[] = model.sites.filter((site) => site.currency === order.currency);
  if (sites.length === 0)
    return { constraint: 'currency', why: `no site is priced in ${order.currency}` };
  if (order.gpuModel !== undefined) {
    sites = sites.filter((site) => site.gpuModel === order.gpuModel);
    if (sites.length === 0)
      return { constraint: 'gpuModel', why: `no site has ${order.gpuModel} GPUs` };
  }
  const stages: { constraint: string; why: string; keeps: (site: MatchingSite) => boolean }[] = [
    {
      constraint: 'constraints.jurisdictions',
      why: `no site lies in ${(constraints.jurisdictions ?? []).join(', ')}`,
      keeps: (site) =>
        siteEligibleForOrder(
          { ...order, constraints: { jurisdictions: constraints.jurisdictions } },
          site,
        ),
    },
    {
      constraint: 'constraints.sovereignOperator',
      why: 'no site has an operator under EU jurisdiction',
      keeps: (site) =>
        siteEligibleForOrder(
          { ...order, constraints: { sovereignOperator: constraints.sovereignOperator } },
          site,
        ),
    },
    {
      constraint: 'constraints.maxDistanceKm',
      why: `no site lies within ${constraints.maxDistanceKm?.km} km of the origin`,
      keeps: (site) =>
        siteEligibleForOrder(
          { ...order, constraints: { maxDistanceKm: constraints.maxDistanceKm } },
          site,
        ),
    },
  ];
  for (const stage of stages) {
    sites = sites.filter(stage.keeps);
    if (sites.length === 0) return { constraint: stage.constraint, why: stage.why };
  }
  const fed = (site: MatchingSite) => model.offers.filter((offer) => offerFeedsSite(offer, site));
  sites = sites.filter((site) => fed(site).length > 0);
  if (sites.length === 0)
    return { constraint: 'energy', why: 'no energy offer feeds the sites it could use' };
  if (constraints.renewableOnly === true) {
    sites = sites.filter((site) =>
      fed(site).some((offer) =>
        offerQualifiesForOrder({ constraints: { renewableOnly: true } }, offer),
      ),
    );
    if (sites.length === 0)
      return {
        constraint: 'constraints.renewableOnly',
        why: 'no renewable energy feeds the sites it could use',
      };
  }
  return {
    constraint: 'constraints.maxCarbonGPerKwh',
    why: `no energy at or under ${constraints.maxCarbonGPerKwh} gCO2e/kWh feeds the sites it could use`,
  };
}
