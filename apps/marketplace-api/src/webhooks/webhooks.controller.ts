import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentPrincipal, Principal } from '@policloud/auth';
import { ReadsNoReadModels } from '@policloud/runtime';
import { Caller, CallerOf } from '../shared/caller.decorator';
import { WrittenDto } from '../shared/common.dto';
import { withEtag, Written } from '../shared/resource';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  WebhookDeliveriesQuery,
  WebhookDeliveryDto,
  WebhookDto,
} from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ReadsNoReadModels()
  @ApiOperation({
    summary: 'Be called at a URL when facts of your resources are recorded (any participant)',
    description:
      'Deliveries follow Standard Webhooks: webhook-id (the event id), webhook-timestamp and ' +
      'webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>" under the secret, ' +
      'which this response alone shows. At least once, in log order per resource, retried with ' +
      'exponential backoff; disabled after WEBHOOK_MAX_FAILURES failures in a row.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  async create(
    @Body() dto: CreateWebhookDto,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedWebhookDto> {
    const created = await this.webhooks.create(dto, principal, caller);
    // The secret is shown once: no cache may keep it.
    reply.header('cache-control', 'no-store');
    return withEtag(reply, created.revision, created);
  }

  @Get()
  @ApiOperation({ summary: 'Your webhook subscriptions (never their secrets)' })
  @ApiOkResponse({ type: WebhookDto, isArray: true })
  find(@CurrentPrincipal() principal: Principal) {
    return this.webhooks.find(principal);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your webhook subscriptions' })
  @ApiOkResponse({ type: WebhookDto })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const webhook = await this.webhooks.get(id, principal);
    return withEtag(reply, webhook.revision, webhook);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "A subscription's delivery log: each event, attempts and outcome" })
  @ApiOkResponse({ type: WebhookDeliveryDto, isArray: true })
  deliveries(
    @Param('id') id: string,
    @Query() query: WebhookDeliveriesQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.webhooks.deliveries(id, query, principal);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a webhook subscription: nothing more is delivered to it' })
  @ApiOkResponse({ type: WrittenDto })
  async delete(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CallerOf() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Written> {
    const written = await this.webhooks.delete(id, principal, caller);
    return withEtag(reply, written.revision, written);
  }
}
