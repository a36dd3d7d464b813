import { Inject, Injectable } from '@nestjs/common';
import { buildBundle, verifyHistory } from '@policloud/audit';
import { DomainError } from '@policloud/domain';
import { EVENT_STORE, EventStore, RecordedEvent } from '@policloud/event-store';
import { Clock, CLOCK } from '@policloud/runtime';
import { AuditEventsQuery } from '../audit.dto';
import { AuditEventsService } from '../audit-events.service';
import { WitnessesService } from '../witnesses/witnesses.service';
import { AuditKeyService } from './audit-key.service';
import { CheckpointsService, readRange } from './checkpoints.service';

/** Recomputes chains, Merkle roots and signatures over the stored history; builds export bundles. */
@Injectable()
export class VerificationService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly key: AuditKeyService,
    private readonly checkpoints: CheckpointsService,
    private readonly events: AuditEventsService,
    private readonly witnesses: WitnessesService,
  ) {}

  async verify(query: { from?: string; to?: string }) {
    const head = await this.store.headPosition();
    const from = position(query.from, 'from', 0);
    const to = Math.min(position(query.to, 'to', head), head);
    const events = await readRange(this.store, from, to);
    const result = verifyHistory({
      events,
      predecessors: await this.predecessors(events),
      checkpoints: await this.checkpoints.list(),
      publicKey: this.key.publicKeyPem,
      rotations: await this.checkpoints.rotations(),
      range: { fromPosition: from, toPosition: to },
    });
    return { from, to, keyId: this.key.keyId, ...result };
  }

  /**
   * An NDJSON bundle of the selected events with the checkpoints and proofs that cover them. The
   * selection is applied up to the head read first, and its header signs which events answer it.
   */
  async export(query: AuditEventsQuery): Promise<string> {
    const throughPosition = await this.store.headPosition();
    const selected: RecordedEvent[] = [];
    let after = query.after ?? 0;
    while (after < throughPosition) {
      const page = await this.events.find({ ...query, after, limit: 1000 });
      selected.push(...page.items.filter((event) => event.globalPosition <= throughPosition));
      // A page without a match still moves the cursor: a sparse selection is read to the end.
      if (page.nextAfter === null || page.nextAfter <= after) break;
      after = page.nextAfter;
    }
    const checkpoints = await this.checkpoints.list();
    const covering = checkpoints.filter((checkpoint) =>
      selected.some(
        (e) =>
          e.globalPosition > checkpoint.fromPosition && e.globalPosition <= checkpoint.toPosition,
      ),
    );
    const leaves = new Map<number, string[]>();
    for (const checkpoint of covering) {
      const range = await readRange(this.store, checkpoint.fromPosition, checkpoint.toPosition);
      leaves.set(
        checkpoint.sequence,
        range.map((event) => event.hash ?? ''),
      );
    }
    // The page size is the exporter's business, not part of what was selected.
    const { limit: _pageSize, ...selection } = query;
    const cosignatures = new Map<number, string[]>();
    for (const cosignature of (await this.witnesses.list()).cosignatures) {
      const lines = cosignatures.get(cosignature.treeSize) ?? [];
      cosignatures.set(cosignature.treeSize, [...lines, cosignature.cosignature]);
    }
    return buildBundle({
      events: selected as never,
      checkpoints: covering,
      checkpointLeaves: leaves,
      cosignatures,
      keyRotations: await this.checkpoints.rotations(),
      signingKey: this.key.privateKey,
      generatedAt: this.clock.now().toISOString(),
      selection: { ...selection },
      throughPosition,
    });
  }

  /**
   * The checkpoints, each v2 one with its witnesses' cosignatures and the note with their lines
   * appended (`cosignedNote`, what a C2SP client verifies with `--witness` keys and a quorum).
   */
  async published() {
    const { witnesses, cosignatures } = await this.witnesses.list();
    const items = (await this.checkpoints.list()).map((checkpoint) => {
      if (checkpoint.note === undefined) return checkpoint;
      const lines = cosignatures.filter((c) => c.treeSize === checkpoint.treeSize);
      return {
        ...checkpoint,
        cosignatures: lines,
        cosignedNote: checkpoint.note + lines.map((c) => c.cosignature).join(''),
      };
    });
    return {
      publicKey: this.key.publicKeyPem,
      keyId: this.key.keyId,
      algorithm: 'Ed25519',
      origin: this.key.origin,
      logVerifierKey: this.key.logVerifierKey,
      keyRotations: await this.checkpoints.rotations(),
      witnesses,
      items,
    };
  }

  /** For streams that began before the range: the hash of their last event before it. */
  private async predecessors(events: RecordedEvent[]): Promise<Map<string, string>> {
    const first = new Map<string, RecordedEvent>();
    for (const event of events) if (!first.has(event.streamId)) first.set(event.streamId, event);
    const found = new Map<string, string>();
    for (const [streamId, event] of first) {
      if (event.revision === 0) continue;
      const [before] = await this.store.readStream(streamId, {
        fromRevision: event.revision - 1,
        maxCount: 1,
      });
      if (before?.hash) found.set(streamId, before.hash);
    }
    return found;
  }
}

function position(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value))
    throw DomainError.invalid([{ field, message: 'must be a global log position (integer ≥ 0)' }]);
  return Number(value);
}
