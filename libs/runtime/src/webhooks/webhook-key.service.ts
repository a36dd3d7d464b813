import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig, ConfigError } from '@policloud/config';
import { createFileOnce } from '../create-file-once';
import { APP_CONFIG } from '../runtime.tokens';
import { generateWebhookSecretKey, webhookSecretFor } from './webhook-signature';

export const WEBHOOK_KEY_FILE = 'webhook-secret-key';

/**
 * The key subscriptions' secrets derive from: WEBHOOK_SECRET_KEY, or one generated on the first
 * start and kept (owner-only) under DATA_DIR. Every process that creates subscriptions or
 * delivers must hold the same key (set it in multi-process deployments).
 */
@Injectable()
export class WebhookKeyService {
  private readonly key: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = config.webhooks.secretKey ?? this.persistedKey(config.dataDir);
  }

  secretFor(subscriptionId: string): string {
    return webhookSecretFor(this.key, subscriptionId);
  }

  private persistedKey(dataDir: string): string {
    const file = path.join(dataDir, WEBHOOK_KEY_FILE);
    mkdirSync(dataDir, { recursive: true });
    const key = (
      existsSync(file)
        ? readFileSync(file, 'utf8')
        : createFileOnce(file, generateWebhookSecretKey())
    ).trim();
    if (key === '') {
      throw new ConfigError(
        'DATA_DIR',
        `(${dataDir}): ${file} is empty; remove it or set WEBHOOK_SECRET_KEY`,
      );
    }
    return key;
  }
}
