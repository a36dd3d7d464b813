import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks (standardwebhooks.com): each subscription has a secret `whsec_<base64>`; a
 * delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` under the secret's bytes.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * A subscription's secret, derived from the deployment's webhook key and the subscription's id:
 * nothing secret is stored in the log, and every process holding the key signs alike.
 */
export function webhookSecretFor(secretKey: string, subscriptionId: string): string {
  const bytes = createHmac('sha256', secretKey)
    .update(`policloud webhook secret\u0000${subscriptionId}`)
    .digest();
  return WEBHOOK_SECRET_PREFIX + bytes.toString('base64');
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** A fresh key for WEBHOOK_SECRET_KEY (hex, 32 bytes). */
export function generateWebhookSecretKey(): string {
  return randomBytes(32).toString('hex');
}
