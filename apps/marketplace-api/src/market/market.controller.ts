import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MarketDepthQuery, MarketPricesQuery } from './market.dto';
import { MarketDataService } from './market-data.service';
import { NetworkCapacityQuery } from '../sites/sites.dto';
import { SiteCapacityService } from '../sites/site-capacity.service';

/** Public market data: any participant may read it. */
@ApiTags('market')
@ApiBearerAuth()
@Controller('v1/market')
export class MarketController {
  constructor(
    private readonly market: MarketDataService,
    private readonly capacityOf: SiteCapacityService,
  ) {}

  @Get('prices')
  @ApiOperation({ summary: 'Clearing price and GPU-hours per site-hour, per matching run' })
  prices(@Query() query: MarketPricesQuery) {
    return this.market.prices(query);
  }

  @Get('depth')
  @ApiOperation({
    summary: 'Supply and demand curves per slot: GPU-hours offered and bid at each price',
  })
  depth(@Query() query: MarketDepthQuery) {
    return this.market.depth(query);
  }

  @Get('capacity')
  @ApiOperation({
    summary:
      "Every site's GPUs and Wh free and allocated per slot, a page of sites at a time (by site id)",
  })
  capacity(@Query() query: NetworkCapacityQuery) {
    return this.capacityOf.network(query);
  }
}
