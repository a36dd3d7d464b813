import { randomUUID } from 'node:crypto';
import {
  Column,
  DataSource,
  Entity,
  MigrationInterface,
  PrimaryColumn,
  QueryRunner,
} from 'typeorm';
import { ANY, PgExecutor, PgliteExecutor, SqlEventStore } from '@policloud/event-store';
import { createTestSchema, TestSchema } from '@policloud/test-support/postgres-test-database';
import { anEvent } from '../../event-store/src/event-store.conformance';
import { Projection } from './projection';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { ProjectionLagTimeoutError, ProjectionRunner } from './projection-runner';
import { openReadModels, ReadModelDatabase } from './read-model-data-source';
import { ProjectionCheckpointsMigration } from './projection-checkpoints.migration';

@Entity({ name: 'test_counters' })
class CounterEntity {
  @PrimaryColumn({ type: 'text' }) stream!: string;
  @Column({ type: 'integer' }) count!: number;
}

class CountersMigration implements MigrationInterface {
  name = 'TestCounters1700000000001';
  async up(runner: QueryRunner) {
    await runner.query(
      'CREATE TABLE test_counters (stream text PRIMARY KEY, count integer NOT NULL)',
    );
  }
  async down(runner: QueryRunner) {
    await runner.query('DROP TABLE test_counters');
  }
}

const counters: Projection = {
  name: 'counters',
  eventTypes: ['Counted'],
  tables: ['test_counters'],
  async apply(event, manager) {
    const row = await manager.findOneBy(CounterEntity, { stream: event.streamId });
    await manager.save(CounterEntity, { stream: event.streamId, count: (row?.count ?? 0) + 1 });
  },
};

const schemaOf = {
  entities: [CounterEntity, ProjectionCheckpointEntity],
  migrations: [ProjectionCheckpointsMigration, CountersMigration],
};

describe.each(['postgres', 'embedded'] as const)('projection runner on %s', (kind) => {
  let store: SqlEventStore;
  let readModels: DataSource;
  let schema: TestSchema | undefined;

  beforeEach(async () => {
    let database: ReadModelDatabase;
    if (kind === 'postgres') {
      schema = await createTestSchema('projections');
      store = await SqlEventStore.open('postgres', new PgExecutor(schema.poolConfig));
      database = { kind: 'postgres', url: schema.url };
    } else {
      const executor = await PgliteExecutor.open();
      store = await SqlEventStore.open('embedded', executor);
      database = { kind: 'embedded', executor };
    }
    readModels = await openReadModels(database, schemaOf);
  });
  afterEach(async () => {
    await readModels.destroy();
    await store.close();
    await schema?.drop();
  });

  async function appendCounted(streams: string[], times: number): Promise<number> {
    let last = 0;
    for (let i = 0; i < times; i++) {
      for (const stream of streams) {
        // The runner applies whatever the log holds: made-up events, straight to the store.
        last = (await store.append(stream, [anEvent('Counted'), anEvent('Ignored')], ANY))
          .lastGlobalPosition;
      }
    }
    return last;
  }

  const rows = () => readModels.getRepository(CounterEntity).find({ order: { stream: 'ASC' } });

  it('applies events and stores the checkpoint with them; rebuild gives the same rows', async () => {
    const streams = [`c-${randomUUID()}`, `c-${randomUUID()}`];
    const runner = new ProjectionRunner(store, readModels, [counters], { idleMs: 10 });
    await runner.start();
    const last = await appendCounted(streams, 5);
    await runner.waitFor(last);
    const before = await rows();
    expect(before.map((r) => r.count)).toEqual([5, 5]);
    const checkpoint = await readModels
      .getRepository(ProjectionCheckpointEntity)
      .findOneByOrFail({ name: 'read-models' });
    expect(checkpoint.position).toBe(last);

    await runner.rebuild();
    await runner.waitFor(last);
    expect(await rows()).toEqual(before);
    await runner.stop();
  });

  it('hands a batch projection a large page in slices, in log order, with other work run between them', async () => {
    const stream = `c-${randomUUID()}`;
    const events = Array.from({ length: 1_200 }, () => anEvent('Counted'));
    const last = (await store.append(stream, events, ANY)).lastGlobalPosition;
    const slices: number[][] = [];
    const order: string[] = [];
    const sliced: Projection = {
      name: 'sliced',
      eventTypes: ['Counted'],
      tables: [],
      apply: () => Promise.reject(new Error('applied one by one')),
      async applyBatch(page) {
        slices.push(page.map((event) => event.globalPosition));
        order.push('slice');
        // What a request arriving meanwhile would do: it runs before the next slice starts.
        setImmediate(() => order.push('other'));
      },
    };
    const runner = new ProjectionRunner(store, readModels, [sliced], { idleMs: 10 });
    await runner.start();
    await runner.waitFor(last);
    await runner.stop();
    expect(slices.flat()).toEqual(Array.from({ length: 1_200 }, (_, i) => last - 1_199 + i));
    expect(slices.length).toBeGreaterThan(1);
    expect(order.slice(0, 2 * slices.length - 1)).toEqual(
      slices.flatMap((_, i) => (i === 0 ? ['slice'] : ['other', 'slice'])),
    );
  });

  it('waits out a catch-up longer than its timeout while pages keep being applied; rejects a stalled one', async () => {
    const slow: Projection = {
      ...counters,
      async apply(event, manager) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        await counters.apply(event, manager);
      },
    };
    const stream = `c-${randomUUID()}`;
    const last = await appendCounted([stream], 8);
    // Eight pages of one counted event each, about 40 ms apiece: over twice the timeout in all.
    const runner = new ProjectionRunner(store, readModels, [slow], { idleMs: 10, batchSize: 2 });
    await runner.start();
    await runner.waitFor(last, 150);
    expect((await rows()).map((r) => r.count)).toEqual([8]);

    await runner.stop();
    const ahead = await appendCounted([stream], 1);
    await expect(runner.waitFor(ahead, 150)).rejects.toBeInstanceOf(ProjectionLagTimeoutError);
  });

  it('resumes from its checkpoint after a restart without applying anything twice', async () => {
    const stream = `c-${randomUUID()}`;
    const first = new ProjectionRunner(store, readModels, [counters], { idleMs: 10 });
    await first.start();
    await first.waitFor(await appendCounted([stream], 3));
    await first.stop();
    const last = await appendCounted([stream], 2);
    const second = new ProjectionRunner(store, readModels, [counters], { idleMs: 10 });
    await second.start();
    await second.waitFor(last);
    await second.stop();
    expect((await rows()).map((r) => r.count)).toEqual([5]);
  });

  it('halts only the projection that fails on an event, reports it, retries it, and the others go on', async () => {
    const poisoned: Projection = {
      name: 'poisoned',
      eventTypes: ['Counted'],
      tables: [],
      async apply(event, manager) {
        // Cast kept: a made-up test event type, outside the domain's union.
        if ((event.data as { poison?: boolean }).poison && !cured) {
          await manager.query('SELECT 1/0'); // fails inside the transaction, as a bad row would
        }
      },
    };
    let cured = false;
    const failures: string[] = [];
    const runner = new ProjectionRunner(store, readModels, [poisoned, counters], {
      idleMs: 10,
      retry: { initialMs: 50, maxMs: 100 },
      onProjectionFailed: (failure) => failures.push(failure.projection),
    });
    await runner.start();
    const stream = `c-${randomUUID()}`;
    const before = await appendCounted([stream], 1);
    const poison = { ...anEvent('Counted'), data: { poison: true } };
    // A poison event no command would write: straight to the store, on purpose.
    await store.append(stream, [poison], ANY);
    const last = await appendCounted([stream], 2);

    await runner.waitFor(last, 5_000);
    expect((await rows()).map((r) => r.count)).toEqual([4]);
    const status = runner.status();
    expect(status.state).toBe('running');
    expect(status.failing).toEqual([
      expect.objectContaining({
        projection: 'poisoned',
        position: expect.any(Number),
        event: expect.objectContaining({ id: poison.id, type: 'Counted', streamId: stream }),
        error: 'division by zero',
      }),
    ]);
    expect(status.failing[0].position).toBeGreaterThanOrEqual(before);
    expect(failures.length).toBeGreaterThanOrEqual(1);

    // A restart keeps the halted projection's own checkpoint and boots.
    await runner.stop();
    const restarted = new ProjectionRunner(store, readModels, [poisoned, counters], {
      idleMs: 10,
      retry: { initialMs: 50, maxMs: 100 },
    });
    await restarted.start();
    await restarted.waitFor(last, 5_000);
    const { eventually } = await import('@policloud/test-support/eventually');
    await eventually(
      () => restarted.status().failing[0]?.event?.id === poison.id,
      'the halted projection to be reported again after the restart',
    );
    cured = true;
    await eventually(
      () => restarted.status().failing.length === 0,
      'the halted projection to catch up',
    );
    expect(
      await readModels
        .getRepository(ProjectionCheckpointEntity)
        .findOneBy({ name: 'read-models/poisoned' }),
    ).toBeNull();
    await restarted.stop();
  });

  it('concurrent read-modify-write transactions through TypeORM never interleave', async () => {
    await readModels.getRepository(CounterEntity).save({ stream: 'shared', count: 0 });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        readModels
          .transaction(async (manager) => {
            const row = await manager.findOneByOrFail(CounterEntity, { stream: 'shared' });
            await new Promise((resolve) => setTimeout(resolve, 5));
            await manager.update(CounterEntity, { stream: 'shared' }, { count: row.count + 1 });
          })
          .catch(() => undefined),
      ),
    );
    const row = await readModels.getRepository(CounterEntity).findOneByOrFail({ stream: 'shared' });
    // PostgreSQL gives each transaction its own snapshot (lost updates are possible there and
    // prevented by row locks where it matters); the embedded session must serialise fully.
    if (kind === 'embedded') expect(row.count).toBe(10);
  });
});
