import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, Like } from 'typeorm';
import { PositionWaiters } from './position-waiters';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';

/** Between two reads of the checkpoint while somebody waits: a read's added latency at most. */
const POLL_MS = 20;
/** How long a read of the halted projections serves the requests that follow it. */
const HALTED_CACHE_MS = 1_000;

/**
 * Read-your-writes in a process that does not run the projections (an API replica): follows the
 * checkpoint that the projection runner of the leading process commits with every page, reading
 * it only while some request waits for it.
 */
export class CheckpointFollower {
  private readonly reached = new PositionWaiters();
  private polling: Promise<void> | null = null;
  private halted: { names: Promise<string[]>; readAt: number } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly checkpointName = 'read-models',
  ) {}

  get position(): number {
    return this.reached.position;
  }

  /** When a read of the checkpoint last found it moved (ms since the epoch), 0 before. */
  get lastProgressAt(): number {
    return this.reached.lastProgressAt;
  }

  waitFor(position: number, timeoutMs: number): Promise<void> {
    const waiting = this.reached.waitFor(position, timeoutMs);
    this.polling ??= this.pollWhileWaited().finally(() => (this.polling = null));
    return waiting;
  }

  /** Reads the checkpoint now; the position the read models have applied. */
  async refresh(): Promise<number> {
    const row = await this.dataSource
      .getRepository(ProjectionCheckpointEntity)
      .findOneBy({ name: this.checkpointName });
    this.reached.advance(row?.position ?? 0);
    return this.reached.position;
  }

  /**
   * Projections the leader has halted on an event: while one is, it keeps its own checkpoint
   * (`<checkpoint>/<projection>`) beside the shared one. Read at most once a second.
   */
  haltedProjections(): Promise<string[]> {
    const now = Date.now();
    if (!this.halted || now - this.halted.readAt > HALTED_CACHE_MS) {
      const prefix = `${this.checkpointName}/`;
      const names = this.dataSource
        .getRepository(ProjectionCheckpointEntity)
        .findBy({ name: Like(`${prefix}%`) })
        .then((rows) => rows.map((row) => row.name.slice(prefix.length)).sort());
      names.catch(() => (this.halted = null));
      this.halted = { names, readAt: now };
    }
    return this.halted.names;
  }

  private async pollWhileWaited(): Promise<void> {
    while (this.reached.waiting) {
      // A failed read is a stall like any other: the waiters time out into a 503.
      await this.refresh().catch(() => undefined);
      if (this.reached.waiting) await sleep(POLL_MS);
    }
  }
}
