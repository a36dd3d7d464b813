import { Inject, Injectable } from '@nestjs/common';
import { DataSource, MoreThan, Not } from 'typeorm';
import { hasRole, Principal } from '@policloud/auth';
import {
  DomainError,
  parseDeleteWebhook,
  parseSubscribeWebhook,
  valueOrThrow,
  webhookSubscriptionDecider,
  webhookSubscriptionStreamId,
  WebhookSubscriptionCommand,
} from '@policloud/domain';
import { ProblemException, READ_MODELS } from '@policloud/http';
import { WebhookDeliveryRow, WebhookSubscriptionRow } from '@policloud/projections';
import {
  APP_CONFIG,
  Clock,
  CLOCK,
  CommandHandler,
  privateUrlRefusal,
  WebhookKeyService,
} from '@policloud/runtime';
import { AppConfig } from '@policloud/config';
import { Caller } from '../shared/caller.decorator';
import { assertOwner } from '../shared/ownership';
import { Written } from '../shared/resource';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  WebhookDeliveriesQuery,
  WebhookDeliveryDto,
  WebhookDto,
} from './webhooks.dto';

/** Webhook subscriptions: a participant's own, with their delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly keys: WebhookKeyService,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    dto: CreateWebhookDto,
    principal: Principal,
    caller: Caller,
  ): Promise<CreatedWebhookDto> {
    const subscriptionId = caller.ids('webhook');
    // Refused here, before the command handler: a request with errors writes nothing.
    const command = valueOrThrow(
      parseSubscribeWebhook({
        subscriptionId,
        ownerId: caller.actor,
        url: dto.url,
        eventTypes: dto.eventTypes,
        // Those who see every resource through the API hear of every one.
        scope: hasRole(principal, 'operator') || hasRole(principal, 'auditor') ? 'all' : 'own',
        subscribedAt: this.clock.now().toISOString(),
      }),
    );
    const refusal = await privateUrlRefusal(
      command.data.url,
      this.config.webhooks.allowPrivateUrls,
    );
    if (refusal) {
      throw new ProblemException(400, `The webhook URL is refused: ${refusal}`, [
        { field: 'url', message: `must point at a public address: ${refusal}` },
      ]);
    }
    const written = await this.execute(subscriptionId, command, caller, true);
    const { url, eventTypes, scope } = command.data;
    return {
      id: subscriptionId,
      url,
      eventTypes,
      scope,
      status: 'active',
      revision: written.revision,
      secret: this.keys.secretFor(subscriptionId),
    };
  }

  async delete(subscriptionId: string, principal: Principal, caller: Caller): Promise<Written> {
    await this.owned(subscriptionId, principal);
    return this.execute(
      subscriptionId,
      valueOrThrow(
        parseDeleteWebhook({
          subscriptionId,
          actorId: caller.actor,
          deletedAt: this.clock.now().toISOString(),
        }),
      ),
      caller,
    );
  }

  async find(principal: Principal): Promise<{ items: WebhookDto[] }> {
    const rows = await this.readModels.getRepository(WebhookSubscriptionRow).find({
      where: { ownerId: principal.participantId, status: Not('deleted') },
      order: { id: 'ASC' },
    });
    return { items: rows.map(presentWebhook) };
  }

  async get(subscriptionId: string, principal: Principal): Promise<WebhookDto> {
    return presentWebhook(await this.owned(subscriptionId, principal));
  }

  /** Every delivery of the subscription in log order: pending, retried or delivered. */
  async deliveries(
    subscriptionId: string,
    query: WebhookDeliveriesQuery,
    principal: Principal,
  ): Promise<{ items: WebhookDeliveryDto[] }> {
    await this.owned(subscriptionId, principal);
    const rows = await this.readModels.getRepository(WebhookDeliveryRow).find({
      where: { subscriptionId, eventPosition: MoreThan(query.after ?? 0) },
      order: { eventPosition: 'ASC' },
      take: query.limit ?? 100,
    });
    return {
      items: rows.map((row) => ({
        eventId: row.eventId,
        eventType: row.eventType,
        position: row.eventPosition,
        status: row.status,
        attempts: row.attempts,
        lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
        lastStatusCode: row.lastStatusCode,
        lastError: row.lastError,
        nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
        deliveredAt: row.deliveredAt?.toISOString() ?? null,
      })),
    };
  }

  /** A subscription is its owner's alone: to anyone else it does not exist. */
  private async owned(subscriptionId: string, principal: Principal) {
    const row = await this.readModels
      .getRepository(WebhookSubscriptionRow)
      .findOneBy({ id: subscriptionId });
    if (!row || row.status === 'deleted') throw DomainError.notFound('Webhook', subscriptionId);
    assertOwner(principal, row.ownerId, 'Webhook', subscriptionId);
    return row;
  }

  private async execute(
    subscriptionId: string,
    command: WebhookSubscriptionCommand,
    caller: Caller,
    newStream = false,
  ): Promise<Written> {
    const result = await this.commands.handle(
      webhookSubscriptionStreamId(subscriptionId),
      webhookSubscriptionDecider,
      command,
      undefined,
      { ...caller, newStream },
    );
    return { id: subscriptionId, revision: result.revision };
  }
}

function presentWebhook(row: WebhookSubscriptionRow): WebhookDto {
  const { url, eventTypes, scope } = row.state;
  return { id: row.id, url, eventTypes, scope, status: row.status, revision: row.revision };
}
