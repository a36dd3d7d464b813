import { parseInstant } from '../shared/slots';
import {
  fail,
  ok,
  parsedFields,
  parseId,
  parseList,
  parseOneOf,
  Parsed,
  Unparsed,
} from '../shared/validation';
import { DeleteWebhook, SubscribeWebhook } from './webhook-subscription.commands';
import { WEBHOOK_EVENT_TYPES } from './webhook-subscription.events';

export const MAX_WEBHOOK_URL_LENGTH = 2_000;

/**
 * An absolute http(s) URL without credentials or fragment. Whether its host is a public address
 * needs DNS: the edge checks that.
 */
export function parseWebhookUrl(value: unknown, field: string): Parsed<string> {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_WEBHOOK_URL_LENGTH) {
    return fail(field, `must be a URL of 1 to ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(field, 'must be an absolute URL, e.g. https://example.com/hooks');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail(field, 'must be an http or https URL');
  }
  if (url.username !== '' || url.password !== '') {
    return fail(field, 'must not carry credentials: verify the signature instead');
  }
  if (url.hash !== '') return fail(field, 'must not have a fragment');
  return ok(url.toString());
}

export function parseWebhookEventTypes(value: unknown, field: string) {
  return parseList(
    value,
    field,
    (item, itemField) => parseOneOf(item, itemField, WEBHOOK_EVENT_TYPES),
    { min: 1, max: WEBHOOK_EVENT_TYPES.length, uniqueBy: (type) => type },
  );
}

export function parseSubscribeWebhook(
  data: Unparsed<SubscribeWebhook['data']>,
): Parsed<SubscribeWebhook> {
  const fields = parsedFields({
    subscriptionId: parseId(data.subscriptionId, 'subscriptionId'),
    ownerId: parseId(data.ownerId, 'ownerId'),
    url: parseWebhookUrl(data.url, 'url'),
    eventTypes: parseWebhookEventTypes(data.eventTypes, 'eventTypes'),
    scope: parseOneOf(data.scope, 'scope', ['own', 'all'] as const),
    subscribedAt: parseInstant(data.subscribedAt, 'subscribedAt'),
  });
  return fields.ok ? ok({ type: 'SubscribeWebhook', data: fields.value }) : fields;
}

export function parseDeleteWebhook(data: Unparsed<DeleteWebhook['data']>): Parsed<DeleteWebhook> {
  const fields = parsedFields({
    subscriptionId: parseId(data.subscriptionId, 'subscriptionId'),
    actorId: parseId(data.actorId, 'actorId'),
    deletedAt: parseInstant(data.deletedAt, 'deletedAt'),
  });
  return fields.ok ? ok({ type: 'DeleteWebhook', data: fields.value }) : fields;
}
