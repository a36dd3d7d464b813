import { Module } from '@nestjs/common';
import { upcastEvent, EVENT_REGISTRY } from '@policloud/domain';
import { RecordedEvent } from '@policloud/event-store';
import { registerProblemMapper } from '@policloud/http';
import {
  MARKETPLACE_ENTITIES,
  MARKETPLACE_PROJECTIONS,
  MarketplaceReadModelsMigration,
  MATCHING_ENTITIES,
  MATCHING_PROJECTIONS,
  MatchingReadModelsMigration,
  SETTLEMENT_ENTITIES,
  SETTLEMENT_PROJECTIONS,
  SettlementReadModelsMigration,
} from '@policloud/projections';
import { CommandHandler, RuntimeFeatures } from '@policloud/runtime';
import { ComputeOrdersController } from './compute-orders/compute-orders.controller';
import { ComputeOrdersService } from './compute-orders/compute-orders.service';
import { EnergyOffersController } from './energy-offers/energy-offers.controller';
import { EnergyOffersService } from './energy-offers/energy-offers.service';
import { OperatorBootstrapService } from './participants/operator-bootstrap.service';
import { ParticipantsController } from './participants/participants.controller';
import { ParticipantsService } from './participants/participants.service';
import { PrincipalDirectoryService } from './participants/principal-directory.service';
import { AggregateLookup } from './shared/aggregate-lookup.service';
import { domainProblem } from './shared/domain-problem.mapper';
import { SitesController } from './sites/sites.controller';
import { SitesService } from './sites/sites.service';
import { SiteCapacityService } from './sites/site-capacity.service';
import { AllocationsController } from './allocations/allocations.controller';
import { UsageController } from './usage/usage.controller';
import { UsageService } from './usage/usage.service';
import { AllocationsService } from './allocations/allocations.service';

registerProblemMapper(domainProblem);

/** Old event versions read as the current one; events of other modules pass through. */
function upcastMarketplaceEvent(event: RecordedEvent): RecordedEvent {
  if (!(event.type in EVENT_REGISTRY)) return event;
  const current = upcastEvent(event);
  return { ...event, schemaVersion: current.schemaVersion, data: current.data as Record<string, unknown> };
}

/** What the marketplace contributes to the runtime: its read models and projections. */
export const MARKETPLACE_FEATURES: RuntimeFeatures = {
  readModels: {
    entities: [...MARKETPLACE_ENTITIES, ...MATCHING_ENTITIES, ...SETTLEMENT_ENTITIES],
    migrations: [MarketplaceReadModelsMigration, MatchingReadModelsMigration, SettlementReadModelsMigration],
  },
  projections: [...MARKETPLACE_PROJECTIONS, ...MATCHING_PROJECTIONS, ...SETTLEMENT_PROJECTIONS],
  upcast: upcastMarketplaceEvent,
  principalDirectory: PrincipalDirectoryService,
};

@Module({
  controllers: [
    ParticipantsController,
    SitesController,
    EnergyOffersController,
    ComputeOrdersController,
    AllocationsController,
    UsageController,
  ],
  providers: [
    CommandHandler,
    AggregateLookup,
    ParticipantsService,
    SitesService,
    SiteCapacityService,
    AllocationsService,
    UsageService,
    EnergyOffersService,
    ComputeOrdersService,
    OperatorBootstrapService,
  ],
  exports: [CommandHandler],
})
export class MarketplaceModule {}
