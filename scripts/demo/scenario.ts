/**
 * The demo as a client plays it, through the public API only: the operator registers everyone,
 * the sites and their agreements; producers list their energy; buyers place orders; the operator
 * runs matching over the week; then everything is read back.
 */
import { ApiClient, Caller } from './api-client';
import {
  Allocation,
  ComputeOrder,
  Listed,
  MatchingRun,
  Site,
  SiteCapacity,
  Written,
} from './market-api';
import { MarketSeed } from './seed';

export interface MarketOutcome {
  run: MatchingRun;
  allocations: Allocation[];
  orders: ComputeOrder[];
  sites: Site[];
  capacity: SiteCapacity[];
  /** Allocations of each order as `GET /v1/allocations?orderId=` answers them (the FR-only proof reads these). */
  allocationsOfOrder: (orderId: string) => Promise<Allocation[]>;
  /** Order id → the seed's reference. */
  orderRefs: Map<string, string>;
}

export interface PopulatedMarket {
  /** Order id → the seed's reference. */
  orderRefs: Map<string, string>;
  /** Participant id → its API key (shown once, at registration). */
  keys: Map<string, string>;
}

export async function populateMarket(
  api: ApiClient,
  operator: Caller,
  seed: MarketSeed,
): Promise<PopulatedMarket> {
  const keys = new Map<string, string>();
  for (const participant of seed.participants) {
    const created = await operator.post<{ id: string; apiKey: string }>(
      '/v1/participants',
      participant,
      `demo:participant:${participant.id}`,
    );
    keys.set(created.id, created.apiKey);
  }
  const as = (participantId: string) => api.as(keys.get(participantId)!);

  for (const site of seed.sites) {
    await operator.post<Written>('/v1/sites', site, `demo:site:${site.id}`);
  }
  for (const agreement of seed.agreements) {
    const site = seed.sites.find((s) => s.id === agreement.siteId)!;
    await operator.put(`/v1/sites/${agreement.siteId}/agreement`, {
      effectiveFrom: seed.agreementsEffectiveFrom,
      hostParticipantId: site.hostParticipantId,
      producers: agreement.producers.map((participantId) => ({ participantId })),
      producersShareBps: agreement.producersShareBps,
      hostShareBps: agreement.hostShareBps,
      ...(agreement.heatPricePerMwh !== undefined
        ? { heatPricePerMwh: agreement.heatPricePerMwh }
        : {}),
    });
  }
  for (const { ref, producerId, ...offer } of seed.offers) {
    await as(producerId).post<Written>('/v1/energy-offers', offer, `demo:offer:${ref}`);
  }
  const orderRefs = new Map<string, string>();
  for (const { ref, buyerId, ...order } of seed.orders) {
    const placed = await as(buyerId).post<Written>(
      '/v1/compute-orders',
      order,
      `demo:order:${ref}`,
    );
    orderRefs.set(placed.id, ref);
  }
  return { orderRefs, keys };
}

export async function matchAndRead(
  operator: Caller,
  seed: MarketSeed,
  orderRefs: Map<string, string>,
): Promise<MarketOutcome> {
  const week = { from: seed.weekStart, to: seed.weekEnd };
  const run = await operator.post<MatchingRun>(
    '/v1/matching/runs',
    week,
    'demo:matching-run:week-1',
  );
  const allocations = await operator.getAll<Allocation>('/v1/allocations', { runId: run.id });
  const orders = await operator.getAll<ComputeOrder>('/v1/compute-orders');
  const sites = (await operator.get<Listed<Site>>('/v1/sites')).items;
  const capacity: SiteCapacity[] = [];
  for (const site of sites) {
    capacity.push(await operator.get<SiteCapacity>(`/v1/sites/${site.id}/capacity`, week));
  }
  return {
    run,
    allocations,
    orders,
    sites,
    capacity,
    orderRefs,
    allocationsOfOrder: async (orderId) =>
      operator.getAll<Allocation>('/v1/allocations', { orderId }),
  };
}
