import { randomUUID } from 'node:crypto';
import { Principal, Role } from '@policloud/auth';
import { idsFor } from '@policloud/http';
import { MatchingRunsService, MatchingThread } from '@policloud/matching-runs';
import { AllocationsService } from '../../apps/marketplace-api/src/allocations/allocations.service';
import { CertificateIssuanceService } from '../../apps/marketplace-api/src/certificates/certificate-issuance.service';
import { ComputeOrdersService } from '../../apps/marketplace-api/src/compute-orders/compute-orders.service';
import { ListEnergyOfferDto } from '../../apps/marketplace-api/src/energy-offers/energy-offers.dto';
import { EnergyOffersService } from '../../apps/marketplace-api/src/energy-offers/energy-offers.service';
import { ParticipantsService } from '../../apps/marketplace-api/src/participants/participants.service';
import { SettlementService } from '../../apps/marketplace-api/src/settlement/settlement.service';
import { AggregateLookup } from '../../apps/marketplace-api/src/shared/aggregate-lookup.service';
import { Caller } from '../../apps/marketplace-api/src/shared/caller.decorator';
import { SiteCapacityService } from '../../apps/marketplace-api/src/sites/site-capacity.service';
import { SitesService } from '../../apps/marketplace-api/src/sites/sites.service';
import { UsageService } from '../../apps/marketplace-api/src/usage/usage.service';
import { EmbeddedPlatform } from './embedded-platform';
import { offerBody, orderBody, siteBody } from './marketplace-bodies';

/** The marketplace's services on a platform, built as its module provides them. */
export function marketplaceServices(platform: EmbeddedPlatform) {
  const { commands, readModels, clock } = platform;
  const lookup = new AggregateLookup(commands);
  return {
    lookup,
    participants: new ParticipantsService(commands, lookup),
    sites: new SitesService(commands, lookup, readModels),
    capacity: new SiteCapacityService(readModels),
    offers: new EnergyOffersService(commands, lookup, readModels, clock),
    orders: new ComputeOrdersService(commands, readModels, clock),
    allocations: new AllocationsService(readModels),
    usage: new UsageService(
      commands,
      readModels,
      clock,
      new CertificateIssuanceService(commands, readModels),
    ),
    settlement: new SettlementService(
      platform.store,
      platform.config,
      clock,
      platform.barrier,
      readModels,
      commands,
    ),
  };
}

export type MarketplaceServices = ReturnType<typeof marketplaceServices>;

/** A participant as the API key guard resolves it. */
export function principal(participantId: string, roles: Role[], siteId?: string): Principal {
  return { participantId, roles, ...(siteId ? { siteId } : {}) };
}

/** A command's caller without an Idempotency-Key (fresh ids), or with one (`key`). */
export function caller(actor: string, options: { key?: string; ifMatch?: number } = {}): Caller {
  return {
    actor,
    ids: idsFor(options.key),
    ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
  };
}

export const OPERATOR = principal('operator', ['operator']);

/** The parties of a small market: each registered under its own id (unique per call). */
export interface MarketParties {
  host: Principal;
  producer: Principal;
  buyer: Principal;
  siteId: string;
  /** The site's metering identity. */
  meter: Principal;
}

/**
 * Registers a host, a producer and a buyer, a 100-GPU site in France with its agreement, and the
 * site's metering identity, through the services (as the operator). Offers and orders are left to
 * each spec.
 */
export async function registerMarket(services: MarketplaceServices): Promise<MarketParties> {
  const suffix = randomUUID().slice(0, 8);
  const register = async (id: string, roles: Role[], siteId?: string) => {
    await services.participants.register(
      { id, name: id, roles, country: 'FR', ...(siteId ? { siteId } : {}) },
      OPERATOR.participantId,
      idsFor(undefined),
    );
    return principal(id, roles, siteId);
  };
  const host = await register(`host-${suffix}`, ['host']);
  const producer = await register(`producer-${suffix}`, ['producer']);
  const buyer = await register(`buyer-${suffix}`, ['buyer']);
  const siteId = `site-${suffix}`;
  await services.sites.register(
    siteBody(siteId, host.participantId),
    caller(OPERATOR.participantId),
  );
  await services.sites.setAgreement(
    siteId,
    {
      effectiveFrom: '2027-01-01T00:00:00Z',
      hostParticipantId: host.participantId,
      producers: [{ participantId: producer.participantId }],
      producersShareBps: 7_000,
      hostShareBps: 3_000,
    },
    caller(OPERATOR.participantId),
  );
  const meter = await register(`meter-${suffix}`, ['site'], siteId);
  return { host, producer, buyer, siteId, meter };
}

/** Lists the producer's default offer (24 slots of 100 kWh from 2027-03-01) on the market's site. */
export async function listOffer(
  services: MarketplaceServices,
  market: MarketParties,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const { id } = await services.offers.list(
    offerBody([market.siteId], overrides) as ListEnergyOfferDto,
    caller(market.producer.participantId),
  );
  return id;
}

/** Places the buyer's default order (8 GPUs × 4 h in FR on 2027-03-01). */
export async function placeOrder(
  services: MarketplaceServices,
  market: MarketParties,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const { id } = await services.orders.place(
    orderBody(overrides),
    caller(market.buyer.participantId),
  );
  return id;
}

/**
 * The matching engine's service on the platform (its worker thread stopped with the spec file),
 * at a small work budget: specs here need allocations, not the best welfare.
 */
export function matchingRuns(platform: EmbeddedPlatform): MatchingRunsService {
  const thread = new MatchingThread({ workBudget: 20_000 });
  platform.onClose(() => thread.onApplicationShutdown());
  return new MatchingRunsService(
    platform.store,
    platform.config,
    platform.clock,
    platform.readModels,
    thread,
    platform.metrics,
    platform.commands,
    platform.barrier,
  );
}

/** Runs matching over `[from, to)` as the operator and waits for the read models to show it. */
export async function runMatching(
  platform: EmbeddedPlatform,
  runs: MatchingRunsService,
  horizon: { from: string; to: string } = {
    from: '2027-03-01T00:00:00Z',
    to: '2027-03-02T00:00:00Z',
  },
) {
  const summary = await runs.run(horizon, {
    actor: OPERATOR.participantId,
    ids: idsFor(undefined),
  });
  await platform.settled();
  return summary;
}

/**
 * A market whose order (8 GPUs × 2 h from 2027-03-01T00:00) matching filled: its two allocations,
 * in slot order, as the read models list them.
 */
export async function matchedMarket(
  platform: EmbeddedPlatform,
  services: MarketplaceServices,
  runs: MatchingRunsService,
) {
  const market = await registerMarket(services);
  const offerId = await listOffer(services, market);
  const orderId = await placeOrder(services, market, {
    hours: 2,
    earliestStart: '2027-03-01T00:00:00Z',
    deadline: '2027-03-01T02:00:00Z',
  });
  const run = await runMatching(platform, runs);
  const { items } = await services.allocations.list({ orderId }, OPERATOR);
  return { market, offerId, orderId, run, allocations: items };
}
