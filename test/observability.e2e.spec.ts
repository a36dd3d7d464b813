import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestSchema, TestSchema } from './support/postgres-test-database';
import { bootTestApp } from './support/test-app';

const OPERATOR_KEY = 'observability-operator-key-0123456789abcdef';

describe('Operations: /metrics and one JSON log line per request', () => {
  let app: NestFastifyApplication;
  let schema: TestSchema;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('e2e_observability');
    ({ app } = await bootTestApp(
      { EVENT_STORE: 'postgres', DATABASE_URL: schema.url, OPERATOR_API_KEY: OPERATOR_KEY },
      undefined,
      { write: (line: string) => lines.push(JSON.parse(line)) },
    ));
  });
  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  const requestLines = (requestId: string) => lines.filter((line) => line.requestId === requestId);

  it('serves the Prometheus series an operator alerts on', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/participants',
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      payload: { name: 'Metrics Buyer', roles: ['buyer'], country: 'FR' },
    });
    expect(created.statusCode).toBe(201);
    const sealed = await app.inject({
      method: 'POST',
      url: '/v1/audit/checkpoints',
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(sealed.statusCode).toBeLessThan(300);
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    for (const series of [
      'http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/participants",status="201"}',
      // The first operator's and the buyer's.
      'policloud_events_appended_total{type="ParticipantRegistered"} 2',
      'policloud_log_head_position ',
      'policloud_projection_position{projection="read-models"}',
      'policloud_projection_lag_events{projection="read-models"}',
      'policloud_projection_lag_seconds{projection="read-models"}',
      'policloud_matching_run_duration_seconds_count',
      'policloud_matching_run_allocations_count',
      'policloud_audit_checkpoint_age_seconds ',
      // Alone on its database schema, the process leads every singleton it hosts.
      'policloud_leader{singleton="projections"} 1',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(series);
    }
  });

  it('writes one line per request with method, route template, status, duration and the caller’s request id', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/sites/site-that-does-not-exist',
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'x-request-id': 'trace-42.a' },
    });
    expect(response.headers['x-request-id']).toBe('trace-42.a');
    const [line, ...more] = requestLines('trace-42.a');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/v1/sites/:id',
      status: 404,
      durationMs: expect.any(Number),
    });
  });

  it('gives a request without a usable X-Request-Id a new one, and never logs the API key', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/sites',
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'x-request-id': 'not a token\u0007' },
    });
    const requestId = response.headers['x-request-id'] as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines(requestId)).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(OPERATOR_KEY);
  });
});
