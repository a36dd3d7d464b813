import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AppConfig } from '@policloud/config';
import { webhookSubscriptionDecider, webhookSubscriptionStreamId } from '@policloud/domain';
import { idsFor } from '@policloud/http';
import {
  WebhookDeliveryRow,
  WebhookEndpointHealthRow,
  WebhookSubscriptionRow,
} from '@policloud/projections';
import { Clock, CLOCK } from '../clock';
import { CommandHandler } from '../command-handler';
import { SingletonWorkers } from '../leadership/singleton-workers';
import { APP_CONFIG, READ_MODELS } from '../runtime.tokens';
import { WebhookKeyService } from './webhook-key.service';
import { signWebhook } from './webhook-signature';
import { postWebhook } from './webhook-post';
import { privateUrlRefusal } from './webhook-url-safety';

/** How often the worker looks for deliveries that are due. */
const POLL_INTERVAL_MS = 200;
const DELIVERIES_PER_ROUND = 100;
const MAX_RETRY_DELAY_MS = 3_600_000;
const MAX_ERROR_LENGTH = 500;

interface Outcome {
  ok: boolean;
  statusCode?: number;
  error?: string;
}

/**
 * Delivers queued webhooks (webhook_deliveries, queued in log order by the webhook projection),
 * at least once, in the one process that leads the `webhookDelivery` singleton. Per subscription
 * and resource, a delivery waits for the earlier ones; a failure is retried after an exponential
 * backoff (WEBHOOK_RETRY_BASE_MS doubling, capped at an hour), and a subscription whose endpoint
 * failed WEBHOOK_MAX_FAILURES times in a row is disabled (a WebhookDisabled event). Times here
 * are real time, whatever the clock: receivers check `webhook-timestamp` against theirs.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
    private readonly commands: CommandHandler,
    private readonly keys: WebhookKeyService,
    private readonly singletons: SingletonWorkers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.singletons.periodic('webhookDelivery', POLL_INTERVAL_MS, () => this.deliverDue());
  }

  /** One round: every due delivery that no earlier one of its resource holds back. */
  async deliverDue(): Promise<number> {
    const due = await this.readModels
      .getRepository(WebhookDeliveryRow)
      .createQueryBuilder('d')
      .innerJoin(WebhookSubscriptionRow, 's', "s.id = d.subscription_id AND s.status = 'active'")
      .where("d.status = 'pending'")
      .andWhere('d.next_attempt_at <= :now', { now: new Date() })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d.subscription_id
          AND e.resource_key = d.resource_key AND e.status = 'pending'
          AND e.event_position < d.event_position)`,
      )
      .orderBy('d.event_position')
      .limit(DELIVERIES_PER_ROUND)
      .getMany();
    const bySubscription = new Map<string, WebhookDeliveryRow[]>();
    for (const row of due) {
      bySubscription.set(row.subscriptionId, [
        ...(bySubscription.get(row.subscriptionId) ?? []),
        row,
      ]);
    }
    const urls = await this.readModels
      .getRepository(WebhookSubscriptionRow)
      .findBy({ id: In([...bySubscription.keys()]) });
    const urlOf = new Map(urls.map((row) => [row.id, row.state.url]));
    await Promise.all(
      [...bySubscription].map(([subscriptionId, rows]) =>
        this.deliverInTurn(subscriptionId, urlOf.get(subscriptionId)!, rows),
      ),
    );
    return due.length;
  }

  /** One subscription's due deliveries, one at a time; a failure ends its round (it is down). */
  private async deliverInTurn(subscriptionId: string, url: string, rows: WebhookDeliveryRow[]) {
    for (const row of rows) {
      const outcome = await this.attempt(url, row);
      await this.record(row, outcome);
      if (!outcome.ok) return;
    }
  }

  private async attempt(url: string, row: WebhookDeliveryRow): Promise<Outcome> {
    const refusal = await privateUrlRefusal(url, this.config.webhooks.allowPrivateUrls);
    if (refusal) return { ok: false, error: `not called: ${refusal}` };
    const body = JSON.stringify(row.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const answer = await postWebhook(url, {
      timeoutMs: this.config.webhooks.timeoutMs,
      allowPrivate: this.config.webhooks.allowPrivateUrls,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Policloud-Webhooks/1',
        'webhook-id': row.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(
          this.keys.secretFor(row.subscriptionId),
          row.eventId,
          timestamp,
          body,
        ),
      },
      body,
    });
    if ('error' in answer) return { ok: false, error: answer.error };
    const { statusCode } = answer;
    return statusCode >= 200 && statusCode < 300
      ? { ok: true, statusCode }
      : { ok: false, statusCode, error: `HTTP ${statusCode}` };
  }

  private async record(row: WebhookDeliveryRow, outcome: Outcome): Promise<void> {
    const now = new Date();
    const attempts = row.attempts + 1;
    const deliveries = this.readModels.getRepository(WebhookDeliveryRow);
    const health = this.readModels.getRepository(WebhookEndpointHealthRow);
    const common = {
      attempts,
      lastAttemptAt: now,
      lastStatusCode: outcome.statusCode ?? null,
      lastError: outcome.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
    };
    if (outcome.ok) {
      await deliveries.update({ id: row.id }, { ...common, status: 'delivered', deliveredAt: now });
      await health.upsert({ subscriptionId: row.subscriptionId, consecutiveFailures: 0 }, [
        'subscriptionId',
      ]);
      return;
    }
    const { retryBaseMs, maxConsecutiveFailures } = this.config.webhooks;
    const delay = Math.min(retryBaseMs * 2 ** Math.min(attempts - 1, 30), MAX_RETRY_DELAY_MS);
    await deliveries.update(
      { id: row.id },
      { ...common, nextAttemptAt: new Date(now.getTime() + delay) },
    );
    const [{ consecutive_failures: failures }] = (await this.readModels.query(
      `INSERT INTO webhook_endpoint_health (subscription_id, consecutive_failures) VALUES ($1, 1)
       ON CONFLICT (subscription_id) DO UPDATE
       SET consecutive_failures = webhook_endpoint_health.consecutive_failures + 1
       RETURNING consecutive_failures`,
      [row.subscriptionId],
    )) as { consecutive_failures: number }[];
    if (failures >= maxConsecutiveFailures)
      await this.disable(row.subscriptionId, failures, common.lastError ?? '');
  }

  private async disable(subscriptionId: string, failures: number, lastError: string) {
    this.logger.warn(
      `webhook ${subscriptionId} disabled after ${failures} failed deliveries in a row: ${lastError}`,
    );
    await this.commands.handle(
      webhookSubscriptionStreamId(subscriptionId),
      webhookSubscriptionDecider,
      {
        type: 'DisableWebhook',
        data: {
          subscriptionId,
          // A fact of the log: stamped by the service's clock, like every command.
          disabledAt: this.clock.now().toISOString(),
          consecutiveFailures: failures,
          lastError,
        },
      },
      undefined,
      { actor: 'system', ids: idsFor(undefined) },
    );
  }
}
