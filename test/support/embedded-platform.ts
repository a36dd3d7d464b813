import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { generateSigningKey } from '@policloud/audit';
import { AppConfig, loadConfig } from '@policloud/config';
import { CheckpointStore, EventStore, PgliteExecutor } from '@policloud/event-store';
import { IdempotencyRecordEntity, IdempotencyRecordsMigration } from '@policloud/http';
import {
  CheckpointFollower,
  openReadModels,
  ProjectionCheckpointEntity,
  ProjectionCheckpointsMigration,
  ProjectionRunner,
} from '@policloud/projections';
import {
  CommandHandler,
  ManualClock,
  Metrics,
  openConfiguredEventStore,
  PLATFORM_FEATURES,
  ReadModelBarrier,
  readModelDatabase,
  SingletonWorkers,
  WorkerRegistry,
} from '@policloud/runtime';

/**
 * What the services of every app stand on, wired as RuntimeModule wires it but without Nest or
 * HTTP: the embedded event store and read models (one in-memory PGlite), the platform's
 * projection runner, the command handler and read-your-writes barrier, a clock tests move.
 * Service specs build their service on it with `new`, one platform per spec file.
 */
export class EmbeddedPlatform {
  readonly clock = new ManualClock(new Date('2027-02-01T00:00:00Z'));
  readonly metrics = new Metrics();
  config!: AppConfig;
  store!: EventStore & CheckpointStore;
  readModels!: DataSource;
  projections!: ProjectionRunner;
  commands!: CommandHandler;
  barrier!: ReadModelBarrier;
  private executor?: PgliteExecutor;
  private readonly closing: (() => Promise<void> | void)[] = [];

  private constructor() {}

  /**
   * Registers the platform's lifecycle with the spec file's hooks. `env` adds configuration
   * variables to the embedded defaults (no schedule, no sealing, a fixed signing key).
   */
  static forSpecFile(env: Record<string, string> = {}): EmbeddedPlatform {
    const platform = new EmbeddedPlatform();
    beforeAll(() => platform.open(env));
    afterAll(() => platform.close());
    return platform;
  }

  /** Resolves once the read models include every event committed so far. */
  settled(): Promise<void> {
    return this.barrier.catchUp();
  }

  /** Singleton workers as the embedded process has them: it is alone, so it always leads. */
  singletonWorkers(config: AppConfig = this.config): SingletonWorkers {
    const workers = new SingletonWorkers(config, this.metrics, new WorkerRegistry());
    this.closing.push(() => workers.onApplicationShutdown());
    return workers;
  }

  /** Stops `resource` when the spec file ends (before the store closes). */
  onClose(stop: () => Promise<void> | void): void {
    this.closing.push(stop);
  }

  private async open(env: Record<string, string>): Promise<void> {
    // The services' own log lines (a run recorded, a key issued) are not the spec's output.
    Logger.overrideLogger(false);
    this.config = loadConfig({
      EVENT_STORE: 'embedded',
      AUDIT_SIGNING_KEY: generateSigningKey(),
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      MATCHING_INTERVAL_MINUTES: '0',
      LOG_LEVEL: 'silent',
      ...env,
    });
    this.executor = await PgliteExecutor.open();
    this.store = await openConfiguredEventStore(this.config, this.executor);
    this.readModels = await openReadModels(readModelDatabase(this.config, this.executor), {
      entities: [
        ProjectionCheckpointEntity,
        IdempotencyRecordEntity,
        ...(PLATFORM_FEATURES.readModels.entities as []),
      ],
      migrations: [
        ProjectionCheckpointsMigration,
        IdempotencyRecordsMigration,
        ...(PLATFORM_FEATURES.readModels.migrations as []),
      ],
    });
    this.projections = new ProjectionRunner(
      this.store,
      this.readModels,
      PLATFORM_FEATURES.projections,
      { upcast: PLATFORM_FEATURES.upcast, idleMs: 5 },
    );
    await this.projections.start();
    this.commands = new CommandHandler(this.store);
    this.barrier = new ReadModelBarrier(
      this.store,
      this.projections,
      new CheckpointFollower(this.readModels),
    );
  }

  private async close(): Promise<void> {
    for (const stop of this.closing.splice(0).reverse()) await stop();
    await this.projections?.stop();
    await this.readModels?.destroy();
    await this.store?.close();
    await this.executor?.db.close().catch(() => undefined);
  }
}
