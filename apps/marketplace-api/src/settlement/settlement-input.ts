import { eventOfType, Site } from '@policloud/domain';
import { MarketHistory } from '@policloud/projections';
import {
  meteredUsageOf,
  offerSlotSupplies,
  periodOfSlot,
  SettledPool,
  SettlementInput,
  settlementSiteOf,
  StatementEnergyInput,
} from '@policloud/settlement';

/** Periods whose close is recorded in the history. */
export function closedPeriods(history: MarketHistory): Set<string> {
  return new Set(
    [...history.settlements]
      .filter(([, events]) => events.some((event) => event.type === 'SettlementPeriodClosed'))
      .map(([period]) => period),
  );
}

/**
 * What closing `period` reads, as of the history's position: the period's allocations, those of
 * earlier closed periods (late or corrected usage becomes adjustments here), every usage event,
 * agreements, curtailments, and the pool records earlier closes left.
 */
export function settlementInput(
  history: MarketHistory,
  period: string,
  platformFeeBps: number,
): SettlementInput {
  const closed = closedPeriods(history);
  const allocations = [...history.allocations.values()]
    .filter((allocation) => {
      const of = periodOfSlot(allocation.slot);
      return of === period || (of < period && closed.has(of));
    })
    .map((allocation) => ({
      ...allocation,
      platformFeeBps: history.runFees.get(allocation.runId),
    }));
  const settled: SettledPool[] = [...history.settlements.values()].flatMap((events) =>
    events.flatMap(
      (event) => eventOfType(event, 'SettlementPeriodClosed')?.data.settledPools ?? [],
    ),
  );
  return {
    period,
    platformFeeBps,
    asOfPosition: history.position,
    allocations,
    usage: history.usage.map(({ eventId, position, event }) =>
      meteredUsageOf(eventId, position, event),
    ),
    sites: [...history.sites.values()].map(({ state }) => settlementSiteOf(state as Site)),
    supplies: [...history.offers.values()].flatMap(({ state }) => offerSlotSupplies(state)),
    settled,
  };
}

/** What the energy figures of the period's buyer statements read, as of the history's position. */
export function statementEnergyInput(history: MarketHistory, period: string): StatementEnergyInput {
  return {
    period,
    allocations: [...history.allocations.values()],
    usage: history.usage.map(({ event }) => event.data),
    certificates: [...history.certificates.values()],
  };
}
