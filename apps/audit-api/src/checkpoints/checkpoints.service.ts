import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { checkpointBodyOf, sealCheckpoint, SignedCheckpoint } from '@policloud/audit';
import {
  AUDIT_CHECKPOINT_STREAM,
  auditCheckpointDecider,
  expectEvent,
  isDomainError,
} from '@policloud/domain';
import {
  EVENT_STORE,
  EventStore,
  RecordedEvent,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '@policloud/event-store';
import { uuidV5 } from '@policloud/http';
import { Clock, CLOCK, CommandHandler, METRICS, Metrics } from '@policloud/runtime';
import { LogTreeStore } from '../log-tree/log-tree.store';
import { AuditKeyService } from './audit-key.service';

export const CHECKPOINT_STREAM = AUDIT_CHECKPOINT_STREAM;
export const CHECKPOINT_EVENT = 'AuditCheckpointSealed';
const PAGE = 5_000;

/** Reads the global log in pages over (after, to]. */
export async function readRange(
  store: EventStore,
  after: number,
  to: number,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  while (after < to) {
    const page = (await store.readAll({ after, maxCount: PAGE })).filter(
      (e) => e.globalPosition <= to,
    );
    if (page.length === 0) break;
    events.push(...page);
    after = page[page.length - 1].globalPosition;
  }
  return events;
}

/**
 * Seals the global log into signed, chained Merkle checkpoints (on demand, and every
 * AUDIT_SEAL_INTERVAL_SECONDS through AuditSealerService). Checkpoints are events too: the next checkpoint covers the previous one.
 */
@Injectable()
export class CheckpointsService implements OnModuleInit {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly key: AuditKeyService,
    @Inject(METRICS) private readonly metrics: Metrics,
    private readonly commands: CommandHandler,
    private readonly tree: LogTreeStore,
  ) {}

  onModuleInit(): void {
    this.metrics.observedGauge(
      'policloud_audit_checkpoint_age_seconds',
      'Seconds since the last audit checkpoint was sealed (absent before the first)',
      [],
      async (set) => {
        const last = await this.last();
        if (last)
          set({}, Math.max(0, (this.clock.now().getTime() - Date.parse(last.sealedAt)) / 1000));
      },
    );
  }

  /** The newest checkpoint, read from the end of its stream. */
  private async last(): Promise<SignedCheckpoint | undefined> {
    try {
      const [event] = await this.store.readStream(CHECKPOINT_STREAM, {
        direction: 'backwards',
        maxCount: 1,
      });
      return event && expectEvent(event, CHECKPOINT_EVENT).data;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  async list(): Promise<SignedCheckpoint[]> {
    try {
      return (await this.store.readStream(CHECKPOINT_STREAM)).map(
        (event) => expectEvent(event, CHECKPOINT_EVENT).data,
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Seals what the log holds beyond the last checkpoint; null when there is nothing new. */
  async seal(): Promise<SignedCheckpoint | null> {
    const checkpoints = await this.list();
    const previous = checkpoints.at(-1);
    // The whole-log tree first: the checkpoint seals exactly the events the tree holds.
    const tree = await this.tree.extend();
    const fromPosition = previous?.toPosition ?? 0;
    if (tree.position <= fromPosition) return null;
    const events = await readRange(this.store, fromPosition, tree.position);
    if (events.every((event) => event.type === CHECKPOINT_EVENT)) return null;
    const checkpoint = sealCheckpoint(
      {
        previous: previous ? checkpointBodyOf(previous) : undefined,
        fromPosition,
        toPosition: tree.position,
        events,
        sealedAt: this.clock.now().toISOString(),
        tree: {
          origin: this.key.origin,
          treeSize: tree.treeSize,
          rootHash: await this.tree.root(tree.treeSize),
        },
      },
      this.key.privateKey,
    );
    try {
      await this.commands.handleMany(
        [
          {
            streamId: CHECKPOINT_STREAM,
            aggregate: auditCheckpointDecider,
            commands: { type: 'SealCheckpoint', data: { checkpoint } },
            context: undefined,
          },
        ],
        {
          eventId: () =>
            uuidV5(`checkpoint\u0000${checkpoint.sequence}\u0000${checkpoint.merkleRoot}`),
          metadata: { actor: 'audit-sealer' },
        },
      );
    } catch (error) {
      // Another sealer sealed this range first: its checkpoint stands.
      if (error instanceof WrongExpectedRevisionError) return null;
      if (isDomainError(error) && error.code === 'conflict') return null;
      throw error;
    }
    return checkpoint;
  }
}
