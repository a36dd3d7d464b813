import {
  AllocationInput,
  ComputeOrderFilled,
  computeOrderStreamId,
  EnergyAllocated,
  energyOfferStreamId,
  matchingRunDecider,
  matchingRunStreamId,
  RecordMatchingRun,
  siteCapacityStreamId,
  siteGpusAllocated,
} from '@policloud/domain';
import { EventMetadata, EventToAppend, NO_STREAM, StreamBatch } from '@policloud/event-store';
import { uuidV5 } from '@policloud/http';
import { MatchingResult } from '@policloud/matching';
import { MarketHistory } from '@policloud/projections';
import { Horizon } from './matching-input';

/**
 * What a run's events need from the market besides the matching result: the facts of each site
 * copied into its allocations, and the revision of each offer, order and site capacity stream
 * read (the expected revisions of the run's appends). Plain data, so it can cross to the
 * matching thread.
 */
export interface RunContext {
  sites: Record<string, AllocationInput['site']>;
  offerRevisions: Record<string, number>;
  orderRevisions: Record<string, number>;
  /** Sites whose capacity stream does not exist yet are absent: the run expects no stream. */
  capacityRevisions: Record<string, number>;
}

export function runContextOf(history: MarketHistory): RunContext {
  const revisions = (versioned: Map<string, { revision: number }>) =>
    Object.fromEntries([...versioned].map(([id, { revision }]) => [id, revision]));
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
    offerRevisions: revisions(history.offers),
    orderRevisions: revisions(history.orders),
    capacityRevisions: Object.fromEntries(history.capacityRevisions),
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

/**
 * Every stream a run writes, each with the revision the run read: the GPUs taken at each site,
 * the run's own stream, the energy each offer gave, the fills of each order. Appended all at
 * once, so a run that raced with another run on a site, an amendment or a cancellation writes
 * nothing and is retried on fresh input. The capacity streams come first: on a store that
 * appends stream by stream (EventStoreDB), a run that lost a site to another fails before it
 * writes anything.
 */
export function runBatches(
  record: RunRecord,
  result: MatchingResult,
  context: RunContext,
): StreamBatch[] {
  const allocations = allocationInputs(result, context);
  const command: RecordMatchingRun = {
    type: 'RecordMatchingRun',
    data: {
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
    },
  };
  const runEvents = matchingRunDecider.decide(
    command,
    matchingRunDecider.initialState(),
    undefined,
  );

  const offerEvents = new Map<string, EnergyAllocated[]>();
  const orderEvents = new Map<string, ComputeOrderFilled[]>();
  for (const allocation of allocations) {
    for (const draw of allocation.energy) {
      const events = offerEvents.get(draw.offerId) ?? [];
      events.push({
        type: 'EnergyAllocated',
        schemaVersion: 1,
        data: {
          offerId: draw.offerId,
          slot: allocation.slot,
          wh: draw.wh,
          allocationId: allocation.allocationId,
        },
      });
      offerEvents.set(draw.offerId, events);
    }
    const fills = orderEvents.get(allocation.orderId) ?? [];
    fills.push({
      type: 'ComputeOrderFilled',
      schemaVersion: 1,
      data: {
        orderId: allocation.orderId,
        allocationId: allocation.allocationId,
        siteId: allocation.siteId,
        slot: allocation.slot,
        gpus: allocation.gpus,
        pricePerGpuHour: allocation.pricePerGpuHour,
      },
    });
    orderEvents.set(allocation.orderId, fills);
  }

  const metadata: EventMetadata = { actor: record.requestedBy, correlationId: record.runId };
  const batch = (
    streamId: string,
    events: readonly { type: string; schemaVersion: number; data: object }[],
    expectedRevision: StreamBatch['expectedRevision'],
  ): StreamBatch => ({
    streamId,
    expectedRevision,
    events: events.map((event, index): EventToAppend => ({
      id: uuidV5(`${record.runId}\u0000${streamId}\u0000${index}`),
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data as Record<string, unknown>,
      metadata,
    })),
  });
  const capacityBatches = siteGpusAllocated(record.runId, allocations).map((event) =>
    batch(
      siteCapacityStreamId(event.data.siteId),
      [event],
      context.capacityRevisions[event.data.siteId] ?? NO_STREAM,
    ),
  );
  return [
    ...capacityBatches,
    batch(matchingRunStreamId(record.runId), runEvents, NO_STREAM),
    ...[...offerEvents].map(([offerId, events]) =>
      batch(energyOfferStreamId(offerId), events, context.offerRevisions[offerId]),
    ),
    ...[...orderEvents].map(([orderId, events]) =>
      batch(computeOrderStreamId(orderId), events, context.orderRevisions[orderId]),
    ),
  ];
}
