import { DataSource } from 'typeorm';
import { PgliteExecutor } from '@policloud/event-store';
import { CheckpointFollower } from './checkpoint-follower';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { ProjectionCheckpointsMigration } from './projection-checkpoints.migration';
import { openReadModels } from './read-model-data-source';

describe('CheckpointFollower (a process that does not run the projections)', () => {
  let executor: PgliteExecutor;
  let readModels: DataSource;

  beforeAll(async () => {
    executor = await PgliteExecutor.open();
    readModels = await openReadModels(
      { kind: 'embedded', executor },
      { entities: [ProjectionCheckpointEntity], migrations: [ProjectionCheckpointsMigration] },
    );
  });
  afterAll(async () => {
    await readModels.destroy();
    await executor.db.close();
  });

  it("sees the leader's position, and the projections it halted by their own checkpoints", async () => {
    const checkpoints = readModels.getRepository(ProjectionCheckpointEntity);
    await checkpoints.save([
      { name: 'read-models', position: 42 },
      { name: 'read-models/rm_allocations', position: 40 },
      { name: 'other-runner/rm_sites', position: 1 },
    ]);
    const follower = new CheckpointFollower(readModels);
    expect(await follower.refresh()).toBe(42);
    expect(await follower.haltedProjections()).toEqual(['rm_allocations']);

    // Caught up again: the leader deletes the projection's own checkpoint.
    await checkpoints.delete({ name: 'read-models/rm_allocations' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await follower.haltedProjections()).toEqual([]);
  });
});
