import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  checkpointBodyOf,
  KeyRotation,
  keyIdOf,
  rotateSigningKey,
  sealCheckpoint,
  SignedCheckpoint,
} from '@policloud/audit';
import {
  AUDIT_CHECKPOINT_STREAM,
  DomainError,
  auditCheckpointDecider,
  eventOfType,
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
import { Clock, CLOCK, CommandHandler, LogTreeStore, METRICS, Metrics } from '@policloud/runtime';
import { AuditKeyService, PREVIOUS_SIGNING_KEY_FILE } from './audit-key.service';

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
      const sealed = event && eventOfType(event, CHECKPOINT_EVENT);
      // Just after a rotation the stream ends with it: the checkpoint is the one before.
      return sealed ? sealed.data : event && (await this.list()).at(-1);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  async list(): Promise<SignedCheckpoint[]> {
    return (await this.stream()).flatMap((event) => {
      const sealed = eventOfType(event, CHECKPOINT_EVENT);
      return sealed ? [sealed.data] : [];
    });
  }

  /** The key rotations recorded, in order: the chain from the first key to the current one. */
  async rotations(): Promise<KeyRotation[]> {
    return (await this.stream()).flatMap((event) => {
      const rotated = eventOfType(event, 'AuditSigningKeyRotated');
      return rotated ? [rotated.data] : [];
    });
  }

  private async stream(): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(CHECKPOINT_STREAM);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Seals what the log holds beyond the last checkpoint; null when there is nothing new. */
  async seal(): Promise<SignedCheckpoint | null> {
    const stream = await this.stream();
    const checkpoints = stream.flatMap((e) => eventOfType(e, CHECKPOINT_EVENT)?.data ?? []);
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
    const rotation = this.rotationTo(stream, checkpoint.sealedAt);
    try {
      await this.commands.handleMany(
        [
          {
            streamId: CHECKPOINT_STREAM,
            aggregate: auditCheckpointDecider,
            commands: [
              ...(rotation ? [{ type: 'RotateSigningKey' as const, data: { rotation } }] : []),
              { type: 'SealCheckpoint' as const, data: { checkpoint } },
            ],
            context: undefined,
          },
        ],
        {
          eventId: (_, index) =>
            uuidV5(
              `checkpoint\u0000${checkpoint.sequence}\u0000${checkpoint.merkleRoot}` +
                (index > 0 ? `\u0000${index}` : ''),
            ),
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

  /**
   * The rotation to record before this checkpoint when the configured key is not the log's: it
   * needs the previous key (DATA_DIR/audit-signing-key.previous.pem) to endorse the new one.
   */
  private rotationTo(stream: readonly RecordedEvent[], rotatedAt: string): KeyRotation | undefined {
    const last = stream.at(-1);
    const logKeyId = last && (last.data as { keyId?: string }).keyId;
    if (logKeyId === undefined || logKeyId === this.key.keyId) return undefined;
    const previous = this.key.previousPrivateKey;
    if (!previous || keyIdOf(previous) !== logKeyId) {
      // A 409 to an operator sealing by hand; the scheduled sealer logs it and retries.
      throw DomainError.conflict(
        `The audit signing key is now ${this.key.keyId} but the log is signed with key ${logKeyId}: ` +
          `put that previous key in DATA_DIR/${PREVIOUS_SIGNING_KEY_FILE} so the rotation is recorded, endorsed by it`,
      );
    }
    return rotateSigningKey(previous, this.key.privateKey, rotatedAt);
  }
}
