import { Module } from '@nestjs/common';
import { CommandHandler, LogTreeInclusionProver, LogTreeStore } from '@policloud/runtime';
import { ComputeOrdersController } from './compute-orders/compute-orders.controller';
import { ComputeOrdersService } from './compute-orders/compute-orders.service';
import { EnergyOffersController } from './energy-offers/energy-offers.controller';
import { EnergyOffersService } from './energy-offers/energy-offers.service';
import { OperatorBootstrapService } from './participants/operator-bootstrap.service';
import { ParticipantsController } from './participants/participants.controller';
import { ParticipantsService } from './participants/participants.service';
import { AggregateLookup } from './shared/aggregate-lookup.service';
import { SitesController } from './sites/sites.controller';
import { SitesService } from './sites/sites.service';
import { SiteCapacityService } from './sites/site-capacity.service';
import { AllocationsController } from './allocations/allocations.controller';
import { UsageController } from './usage/usage.controller';
import { UsageService } from './usage/usage.service';
import { AllocationsService } from './allocations/allocations.service';
import { SettlementModule } from './settlement/settlement.module';
import { CertificateIssuanceService } from './certificates/certificate-issuance.service';
import { CertificatesController } from './certificates/certificates.controller';
import { CertificatesService } from './certificates/certificates.service';
import { MarketController } from './market/market.controller';
import { MarketDataService } from './market/market-data.service';
import { LiveMarket } from './quotes/live-market.service';
import { QuotesController } from './quotes/quotes.controller';
import { QuotesService } from './quotes/quotes.service';
import { SandboxClockController } from './sandbox/sandbox-clock.controller';
import { SandboxClockService } from './sandbox/sandbox-clock.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

/** Participants' commands and queries: participants, sites, offers, orders, usage, certificates, settlement. */
@Module({
  imports: [SettlementModule],
  controllers: [
    ParticipantsController,
    SitesController,
    EnergyOffersController,
    ComputeOrdersController,
    AllocationsController,
    UsageController,
    CertificatesController,
    QuotesController,
    MarketController,
    SandboxClockController,
    WebhooksController,
  ],
  providers: [
    CommandHandler,
    AggregateLookup,
    ParticipantsService,
    SitesService,
    SiteCapacityService,
    AllocationsService,
    UsageService,
    CertificateIssuanceService,
    CertificatesService,
    LogTreeStore,
    LogTreeInclusionProver,
    EnergyOffersService,
    ComputeOrdersService,
    OperatorBootstrapService,
    LiveMarket,
    QuotesService,
    MarketDataService,
    SandboxClockService,
    WebhooksService,
  ],
  exports: [CommandHandler],
})
export class MarketplaceModule {}
