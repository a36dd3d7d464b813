import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, EventStore } from '@policloud/event-store';
import { ManualClock, SandboxClock } from '@policloud/runtime';
import { generateSigningKey } from '@policloud/audit';
import { createTestSchema, TestSchema } from './postgres-test-database';
import { bootTestApp } from './test-app';
import { offerBody, siteBody } from './marketplace-bodies';

export { offerBody, orderBody, profile, siteBody, usageBody } from './marketplace-bodies';

export interface Response<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sends this string as the raw body (for malformed JSON). */
  raw?: string;
}

export interface Party {
  id: string;
  key: string;
}

/** The booted all-in-one app on a fresh PostgreSQL schema, with a known operator key. */
export class Marketplace {
  readonly operatorKey = `op-${randomUUID()}`;
  readonly auditSigningKey = generateSigningKey();
  /** Commands are stamped with this time: tests move it to report what happened in a slot. */
  readonly clock = new ManualClock(new Date('2027-02-01T00:00:00Z'));
  app!: NestFastifyApplication;
  private schema: TestSchema | undefined;

  /** On PostgreSQL (a fresh schema), or on the embedded store (a fresh DATA_DIR). */
  static async boot(
    store: 'postgres' | 'embedded' = 'postgres',
    options: { sandboxClock?: boolean; env?: Record<string, string> } = {},
  ): Promise<Marketplace> {
    const marketplace = new Marketplace();
    const storeEnv: Record<string, string> = { EVENT_STORE: store };
    if (store === 'postgres') {
      marketplace.schema = await createTestSchema('e2e_marketplace');
      storeEnv.DATABASE_URL = marketplace.schema.url;
    }
    ({ app: marketplace.app } = await bootTestApp(
      {
        ...storeEnv,
        OPERATOR_API_KEY: marketplace.operatorKey,
        AUDIT_SIGNING_KEY: marketplace.auditSigningKey,
        AUDIT_SEAL_INTERVAL_SECONDS: '0',
        ...(options.sandboxClock ? { CLOCK: 'sandbox' } : {}),
        ...options.env,
      },
      // With CLOCK=sandbox, `clock` stands for real time and operators move the sandbox past it.
      options.sandboxClock ? new SandboxClock(marketplace.clock) : marketplace.clock,
    ));
    return marketplace;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.schema?.drop();
  }

  get store(): EventStore {
    return this.app.get(EVENT_STORE);
  }

  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    options: RequestOptions = {},
  ): Promise<Response<T>> {
    const key = options.key === undefined ? this.operatorKey : options.key;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const hasBody = options.body !== undefined || options.raw !== undefined;
    if (hasBody) headers['content-type'] ??= 'application/json';
    const response = await this.app.inject({
      method,
      url,
      headers,
      ...(hasBody ? { payload: options.raw ?? JSON.stringify(options.body) } : {}),
    });
    return {
      status: response.statusCode,
      body: response.body ? (JSON.parse(response.body) as T) : ({} as T),
      headers: response.headers as Response['headers'],
    };
  }

  async participant(roles: string[], extra: Record<string, unknown> = {}): Promise<Party> {
    const response = await this.request<{ id: string; apiKey: string }>(
      'POST',
      '/v1/participants',
      {
        body: {
          name: `${roles.join('+')} ${randomUUID().slice(0, 6)}`,
          roles,
          country: 'FR',
          ...extra,
        },
      },
    );
    if (response.status !== 201) throw new Error(`participant: ${JSON.stringify(response.body)}`);
    return { id: response.body.id, key: response.body.apiKey };
  }

  async site(body: Record<string, unknown>): Promise<string> {
    const response = await this.request<{ id: string }>('POST', '/v1/sites', { body });
    if (response.status !== 201) throw new Error(`site: ${JSON.stringify(response.body)}`);
    return response.body.id;
  }

  async agreement(siteId: string, hostId: string, producerIds: string[]): Promise<void> {
    const response = await this.request('PUT', `/v1/sites/${siteId}/agreement`, {
      body: {
        effectiveFrom: '2027-01-01T00:00:00Z',
        hostParticipantId: hostId,
        producers: producerIds.map((participantId) => ({ participantId })),
        producersShareBps: 7000,
        hostShareBps: 3000,
      },
    });
    if (response.status !== 200) throw new Error(`agreement: ${JSON.stringify(response.body)}`);
  }

  /** A host's site with a producer's energy offer on it, and a buyer: ready for orders. */
  async siteWithOffer(
    siteId: string,
  ): Promise<{ host: Party; producer: Party; buyer: Party; offerId: string }> {
    const host = await this.participant(['host']);
    const producer = await this.participant(['producer']);
    const buyer = await this.participant(['buyer']);
    await this.site(siteBody(siteId, host.id));
    await this.agreement(siteId, host.id, [producer.id]);
    const offer = await this.request<{ id: string }>('POST', '/v1/energy-offers', {
      key: producer.key,
      body: offerBody([siteId]),
    });
    if (offer.status !== 201) throw new Error(`offer: ${JSON.stringify(offer.body)}`);
    return { host, producer, buyer, offerId: offer.body.id };
  }

  /** Global position of the last event: unchanged means nothing was written. */
  head(): Promise<number> {
    return this.store.headPosition();
  }
}
