import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { participantStreamId } from '@policloud/domain';
import { EVENT_STORE, EventStore } from '@policloud/event-store';
import { FIRST_OPERATOR_ID } from '../apps/marketplace-api/src/participants/operator-bootstrap.service';
import { createTestSchema, TestSchema } from './support/postgres-test-database';
import { bootTestApp } from './support/test-app';

describe('replicas starting together on an empty log', () => {
  let schema: TestSchema;
  const apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('e2e_replicas_first_start');
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await schema?.drop();
  });

  it('both start, and the first operator is registered once', async () => {
    const env = { EVENT_STORE: 'postgres', DATABASE_URL: schema.url };
    const booted = await Promise.all([bootTestApp(env), bootTestApp(env)]);
    apps.push(...booted.map(({ app }) => app));
    const store = apps[0].get<EventStore>(EVENT_STORE);
    const operator = await store.readStream(participantStreamId(FIRST_OPERATOR_ID));
    expect(operator.filter((event) => event.type === 'ParticipantRegistered')).toHaveLength(1);
    for (const app of apps) {
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    }
  });
});
