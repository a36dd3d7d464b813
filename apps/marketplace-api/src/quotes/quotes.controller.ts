import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@policloud/auth';
import { ReadsNoReadModels } from '@policloud/runtime';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { PlaceComputeOrderDto } from '../compute-orders/compute-orders.dto';
import { QuotesService, QuoteView } from './quotes.service';

@ApiTags('quotes')
@ApiBearerAuth()
@Controller('v1/quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  /** Writes nothing: 200, not 201. Reads the log itself (LiveMarket), not the read models. */
  @Post()
  @HttpCode(200)
  @Roles('buyer')
  @ReadsNoReadModels()
  @ApiOperation({
    summary:
      'What an order (same body as POST /v1/compute-orders) would fill at now: sites, slots, price, carbon. Indicative; writes nothing',
  })
  quote(@Body() dto: PlaceComputeOrderDto, @CallerOf() caller: Caller): Promise<QuoteView> {
    return this.quotes.quote(dto, caller);
  }
}
