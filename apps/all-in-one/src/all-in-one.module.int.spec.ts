import { hashApiKey, PRINCIPAL_DIRECTORY, PrincipalDirectory } from '@policloud/auth';
import { idsFor } from '@policloud/http';
import { MatchingRunsService } from '@policloud/matching-runs';
import { ProjectionsWorker, ReadModelBarrier, WorkerRegistry } from '@policloud/runtime';
import { startAppContext } from '@policloud/test-support/app-context';
import { AuditEventsService } from '../../audit-api/src/audit-events.service';
import { VerificationService } from '../../audit-api/src/checkpoints/verification.service';
import { ParticipantsService } from '../../marketplace-api/src/participants/participants.service';
import { AllInOneModule } from './all-in-one.module';

/**
 * The all-in-one process (`npm start`) hosts every service on one embedded store: what one
 * service writes, the others read, with no HTTP between them.
 */
describe('the all-in-one process', () => {
  let app: Awaited<ReturnType<typeof startAppContext>>;
  beforeAll(async () => {
    app = await startAppContext((config) => AllInOneModule.forRoot(config), {
      OPERATOR_API_KEY: 'pc_all-in-one-operator',
      MATCHING_INTERVAL_MINUTES: '60',
      AUDIT_SEAL_INTERVAL_SECONDS: '3600',
    });
  });
  afterAll(() => app?.close());

  it('starts with the first operator registered and its configured key working', async () => {
    const directory = app.context.get<PrincipalDirectory>(PRINCIPAL_DIRECTORY);
    expect(await directory.findByKeyHash(hashApiKey('pc_all-in-one-operator'))).toMatchObject({
      participantId: 'operator',
      roles: ['operator'],
    });
  });

  it('runs every singleton of the deployment: projections, the sealer, scheduled matching and webhook deliveries', () => {
    expect(app.context.get(ProjectionsWorker).leading()).toBe(true);
    expect(Object.keys(app.context.get(WorkerRegistry).statuses()).sort()).toEqual([
      'auditSealer',
      'matchingSchedule',
      'webhookDelivery',
    ]);
  });

  it("the marketplace's writes are the audit's and matching's input", async () => {
    const { id } = await app.context
      .get(ParticipantsService)
      .register({ name: 'Lyon', roles: ['buyer'], country: 'FR' }, 'operator', idsFor(undefined));
    const audited = await app.context.get(AuditEventsService).find({ participant: id });
    expect(audited.items.map((event) => event.type)).toEqual([
      'ParticipantRegistered',
      'ApiKeyIssued',
    ]);
    const runs = app.context.get(MatchingRunsService);
    const run = await runs.run(
      { from: '2030-01-01T00:00:00Z', to: '2030-01-01T01:00:00Z' },
      { actor: 'operator', ids: idsFor(undefined) },
    );
    expect(run).toMatchObject({ allocationCount: 0 });
    await app.context.get(ReadModelBarrier).catchUp();
    expect(await runs.get(run.runId)).toMatchObject({ id: run.runId, allocationCount: 0 });
    expect(await app.context.get(VerificationService).verify({})).toMatchObject({ ok: true });
  });
});
