import { DataSource } from 'typeorm';
import { PgliteExecutor } from '@policloud/event-store';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from './projection-checkpoints.migration';
import { openReadModels } from './read-model-data-source';
import { ParticipantEventsMigration } from './participant-events/participant-events';

describe('a migration that adds a projection', () => {
  let executor: PgliteExecutor;
  let readModels: DataSource;

  beforeEach(async () => {
    executor = await PgliteExecutor.open();
    readModels = await openReadModels(
      { kind: 'embedded', executor },
      { entities: [ProjectionCheckpointEntity], migrations: [ProjectionCheckpointsMigration] },
    );
  });
  afterEach(async () => {
    await readModels.destroy();
    await executor.db.close();
  });

  const addProjection = async () => {
    const runner = readModels.createQueryRunner();
    try {
      await new ParticipantEventsMigration().up(runner);
    } finally {
      await runner.release();
    }
    return readModels.getRepository(ProjectionCheckpointEntity).find({ order: { name: 'ASC' } });
  };

  it('on filled read models, marks it halted at 0: the runner back-fills it from the start', async () => {
    await readModels.getRepository(ProjectionCheckpointEntity).save({
      name: 'read-models',
      position: 1_234,
    });
    expect(await addProjection()).toEqual([
      { name: 'read-models', position: 1_234 },
      { name: 'read-models/rm_participant_events', position: 0 },
    ]);
  });

  it('on a fresh database, leaves it to the runner starting from 0', async () => {
    expect(await addProjection()).toEqual([]);
  });
});
