import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal, Roles } from '@policloud/auth';
import { ReadsNoReadModels } from '@policloud/runtime';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { WrittenDto } from '../shared/common.dto';
import { withEtag, Written } from '../shared/resource';
import {
  AmendComputeOrderDto,
  ListComputeOrdersQuery,
  PlaceComputeOrderDto,
} from './compute-orders.dto';
import { ComputeOrdersService } from './compute-orders.service';

@ApiTags('compute-orders')
@ApiBearerAuth()
@Controller('v1/compute-orders')
export class ComputeOrdersController {
  constructor(private readonly orders: ComputeOrdersService) {}

  @Post()
  @Roles('buyer')
  @ReadsNoReadModels()
  @ApiOperation({ summary: 'Order GPU-hours under price and sovereignty constraints' })
  @ApiCreatedResponse({ type: WrittenDto })
  async place(
    @Body() dto: PlaceComputeOrderDto,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.orders.place(dto, caller);
    return withEtag(reply, written.revision, written);
  }

  @Patch(':id')
  @Roles('buyer')
  @ApiOperation({
    summary:
      "Change an order's terms (price, window, GPUs, constraints) while nothing is allocated",
    description:
      'Send the revision last read as If-Match (412 when stale). Terms not given stay; ' +
      'constraints are replaced as a whole. Once part of the order is allocated it cannot ' +
      'change (409 saying why): cancel the unfilled part and place a new order.',
  })
  @ApiOkResponse({ type: WrittenDto })
  async amend(
    @Param('id') id: string,
    @Body() dto: AmendComputeOrderDto,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.orders.amend(id, dto, principal, caller);
    return withEtag(reply, written.revision, written);
  }

  @Delete(':id')
  @HttpCode(200)
  @Roles('buyer')
  @ApiOperation({ summary: 'Cancel the unfilled part of an order' })
  async cancel(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.orders.cancel(id, principal, caller);
    return withEtag(reply, written.revision, written);
  }

  @Get()
  @Roles('buyer', 'operator')
  @ApiOperation({ summary: "Compute orders: a buyer's own, all for operators" })
  find(@Query() query: ListComputeOrdersQuery, @CurrentPrincipal() principal: Principal) {
    return this.orders.find(query, principal);
  }

  @Get(':id')
  @Roles('buyer', 'operator')
  @ApiOperation({ summary: 'One compute order with its status and fills' })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const order = await this.orders.get(id, principal);
    return withEtag(reply, order.revision, order);
  }
}
