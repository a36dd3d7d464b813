import {
  allocateGpusBySite,
  AllocationInput,
  Command,
  ComputeOrderState,
  computeOrderDecider,
  computeOrderStreamId,
  Decider,
  decideOnStream,
  DomainEvent,
  EnergyDraw,
  EnergyOfferContext,
  energyOfferDecider,
  EnergyOfferState,
  energyOfferStreamId,
  Fill,
  matchingRunDecider,
  matchingRunStreamId,
  parseRecordMatchingRun,
  siteCapacityDecider,
  SiteCapacityState,
  siteCapacityStreamId,
  StreamDecision,
  StreamRead,
  valueOrThrow,
} from '@policloud/domain';
import { uuidV5 } from '@policloud/http';
import { MatchingResult } from '@policloud/matching';
import { MarketState } from '@policloud/projections';
import { Horizon } from './matching-input';

/**
 * What a run's deciders need from the market besides the matching result: the facts of each site
 * copied into its allocations, and the state and revision of each offer, open order and site
 * capacity stream read (the decisions are made on those states and appended at those revisions).
 * Plain data, so it can cross to the matching thread.
 */
export interface RunContext {
  sites: Record<string, AllocationInput['site']>;
  offers: Record<string, StreamRead<EnergyOfferState>>;
  orders: Record<string, StreamRead<ComputeOrderState>>;
  /** Sites whose capacity stream does not exist yet are absent: the run expects no stream. */
  capacity: Record<string, StreamRead<SiteCapacityState>>;
}

export function runContextOf(history: MarketState): RunContext {
  const reads = <State>(versioned: Iterable<[string, StreamRead<State>]>) =>
    Object.fromEntries(
      [...versioned].map(([id, { state, revision }]) => [id, { state, revision }]),
    );
  // Only open orders can be filled: the others stay on this thread.
  const openOrders = [...history.orders].filter(
    ([, { state }]) => state.status === 'open' || state.status === 'partially_filled',
  );
  return {
    sites: Object.fromEntries(
      [...history.sites].map(([siteId, { state: site }]) => [
        siteId,
        {
          country: site.country,
          operatorJurisdiction: site.operatorJurisdiction,
          operatorLegalEntity: site.operatorLegalEntity,
          certifications: [...site.certifications],
          hostParticipantId: site.hostParticipantId,
          gpuModel: site.gpuModel,
        },
      ]),
    ),
    offers: reads<EnergyOfferState>(history.offers),
    orders: reads<ComputeOrderState>(openOrders),
    capacity: reads<SiteCapacityState>(history.capacity),
  };
}

export interface RunRecord {
  runId: string;
  requestedBy: string;
  completedAt: string;
  horizon: Horizon;
  inputPosition: number;
  inputHash: string;
  platformFeeBps: number;
}

/** An order holds at most one allocation per slot, ever: its id names exactly that. */
export function allocationIdOf(orderId: string, slot: string): string {
  return uuidV5(`allocation\u0000${orderId}\u0000${slot}`);
}

/** The matching result in the terms of the domain's RecordMatchingRun, with the site facts of the moment. */
export function allocationInputs(result: MatchingResult, context: RunContext): AllocationInput[] {
  return result.allocations.map((allocation) => {
    const site = context.sites[allocation.siteId];
    return {
      allocationId: allocationIdOf(allocation.orderId, allocation.slot),
      orderId: allocation.orderId,
      buyerId: allocation.buyerId,
      siteId: allocation.siteId,
      slot: allocation.slot,
      gpus: allocation.gpus,
      pricePerGpuHour: allocation.pricePerGpuHour,
      currency: allocation.currency,
      energyPerGpuHourWh: allocation.site.energyPerGpuHourWh,
      reservePerGpuHour: allocation.reservePerGpuHour,
      energy: allocation.energy.map((draw) => ({ ...draw })),
      site: { ...site, certifications: [...site.certifications] },
    };
  });
}

const NEW_STREAM = { revision: -1 };
/** AllocateEnergy decides on the offer alone; the offer's sites were checked when it was listed. */
const ALLOCATION_READS_NO_SITE: EnergyOfferContext = { findSite: () => undefined };

/**
 * The run's decisions, each made by the decider of its stream on the state the run read: the GPUs
 * taken at each site (AllocateGpus), the run itself (RecordMatchingRun), the energy each offer
 * gave (AllocateEnergy), the fills of each order (RecordFills). Committed all at once, so a run
 * that raced with another run on a site, an amendment or a cancellation writes nothing and is
 * retried on fresh input. The capacity streams come first: on a store that appends stream by
 * stream (EventStoreDB), a run that lost a site to another fails before it writes anything.
 */
export function runDecisions(
  record: RunRecord,
  result: MatchingResult,
  context: RunContext,
): StreamDecision[] {
  const allocations = allocationInputs(result, context);
  // The engine's output is checked here, before any stream is written.
  const recordRun = valueOrThrow(
    parseRecordMatchingRun({
      ...record,
      welfare: result.totalWelfare,
      allocations,
      prices: result.clearingPrices.map(({ siteId, slot, currency, pricePerGpuHour }) => ({
        siteId,
        slot,
        currency,
        pricePerGpuHour,
      })),
      unfilledOrderIds: result.unfilled.map((unfilled) => unfilled.orderId),
      unfilled: result.unfilled,
    }),
  );

  const draws = new Map<string, EnergyDraw[]>();
  const fills = new Map<string, Fill[]>();
  for (const allocation of allocations) {
    for (const draw of allocation.energy) {
      const offerDraws = draws.get(draw.offerId) ?? [];
      offerDraws.push({
        allocationId: allocation.allocationId,
        slot: allocation.slot,
        wh: draw.wh,
      });
      draws.set(draw.offerId, offerDraws);
    }
    const orderFills = fills.get(allocation.orderId) ?? [];
    orderFills.push({
      allocationId: allocation.allocationId,
      siteId: allocation.siteId,
      slot: allocation.slot,
      gpus: allocation.gpus,
      pricePerGpuHour: allocation.pricePerGpuHour,
    });
    fills.set(allocation.orderId, orderFills);
  }

  const decision = <State, Cmd extends Command, Event extends DomainEvent, Context>(
    decider: Decider<State, Cmd, Event, Context>,
    streamId: string,
    read: StreamRead<State> | undefined,
    command: Cmd,
    context: Context,
  ): StreamDecision => {
    const { state: _, ...decided } = decideOnStream(
      decider,
      streamId,
      read ?? { ...NEW_STREAM, state: decider.initialState() },
      command,
      context,
    );
    return decided;
  };
  return [
    ...allocateGpusBySite(record.runId, allocations).map((command) =>
      decision(
        siteCapacityDecider,
        siteCapacityStreamId(command.data.siteId),
        context.capacity[command.data.siteId],
        command,
        undefined,
      ),
    ),
    decision(
      matchingRunDecider,
      matchingRunStreamId(record.runId),
      undefined,
      recordRun,
      undefined,
    ),
    ...[...draws].map(([offerId, offerDraws]) =>
      decision(
        energyOfferDecider,
        energyOfferStreamId(offerId),
        context.offers[offerId],
        { type: 'AllocateEnergy', data: { offerId, draws: offerDraws } },
        ALLOCATION_READS_NO_SITE,
      ),
    ),
    ...[...fills].map(([orderId, orderFills]) =>
      decision(
        computeOrderDecider,
        computeOrderStreamId(orderId),
        context.orders[orderId],
        { type: 'RecordFills', data: { orderId, fills: orderFills } },
        undefined,
      ),
    ),
  ];
}

/** The id of a run's `index`-th event on a stream: a retried run writes the same ids. */
export function runEventId(runId: string, streamId: string, index: number): string {
  return uuidV5(`${runId}\u0000${streamId}\u0000${index}`);
}
