import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { participantDecider, participantStreamId } from '@policloud/domain';
import { EVENT_STORE, EventStore } from '@policloud/event-store';
import { idsFor } from '@policloud/http';
import { ParticipantRow } from '@policloud/projections';
import { CommandHandler, ProjectionsWorker, READ_MODELS, WorkerRegistry } from '@policloud/runtime';
import { startAppContext } from '@policloud/test-support/app-context';
import { eventually } from '@policloud/test-support/eventually';
import { ProjectorModule } from './projector.module';

/**
 * The projector's services as it starts them: the projection runner and the audit sealer, each
 * led by this process (embedded, it is alone). Events written by another service's command
 * handler reach the read models and the next checkpoint without any request to the projector.
 */
describe('the projector', () => {
  let projector: Awaited<ReturnType<typeof startAppContext>>;
  let context: INestApplicationContext;
  beforeAll(async () => {
    projector = await startAppContext((config) => ProjectorModule.forRoot(config), {
      AUDIT_SEAL_INTERVAL_SECONDS: '1',
    });
    context = projector.context;
  });
  afterAll(() => projector?.close());

  const register = (participantId: string) =>
    new CommandHandler(context.get<EventStore>(EVENT_STORE)).handle(
      participantStreamId(participantId),
      participantDecider,
      {
        type: 'RegisterParticipant',
        data: { participantId, name: participantId, roles: ['buyer'], country: 'FR' },
      },
      { findSite: () => undefined },
      { actor: 'operator', ids: idsFor(undefined) },
    );

  it('leads the projections, the audit sealer and webhook deliveries', () => {
    expect(context.get(ProjectionsWorker).leading()).toBe(true);
    expect(context.get(WorkerRegistry).statuses()).toEqual({
      auditSealer: expect.objectContaining({ intervalMs: 1_000 }),
      webhookDelivery: expect.objectContaining({ state: 'running' }),
    });
  });

  it('projects what other services write into the read models', async () => {
    await register('lyon');
    const participants = context.get<DataSource>(READ_MODELS).getRepository(ParticipantRow);
    await eventually(async () => (await participants.findOneBy({ id: 'lyon' })) !== null, 'lyon');
  });

  it('seals what the log holds into a checkpoint on its interval', async () => {
    const store = context.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    await eventually(
      async () =>
        (await store.readAll({ after: 0, maxCount: 100 })).some(
          (event) => event.type === 'AuditCheckpointSealed' && event.data.toPosition === head,
        ),
      'a checkpoint up to the head',
    );
  });
});
