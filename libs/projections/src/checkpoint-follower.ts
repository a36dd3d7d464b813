import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PositionWaiters } from './position-waiters';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';

/** Between two reads of the checkpoint while somebody waits: a read's added latency at most. */
const POLL_MS = 20;

/**
 * Read-your-writes in a process that does not run the projections (an API replica): follows the
 * checkpoint that the projection runner of the leading process commits with every page, reading
 * it only while some request waits for it.
 */
export class CheckpointFollower {
  private readonly reached = new PositionWaiters();
  private polling: Promise<void> | null = null;

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

  private async pollWhileWaited(): Promise<void> {
    while (this.reached.waiting) {
      // A failed read is a stall like any other: the waiters time out into a 503.
      await this.refresh().catch(() => undefined);
      if (this.reached.waiting) await sleep(POLL_MS);
    }
  }
}
