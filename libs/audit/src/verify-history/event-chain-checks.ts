import { AuditedEvent } from '../audited-event';
import { eventHash, GENESIS_HASH } from '../event-hash';
import { Inconsistency } from './history-report';

/** Where an event inconsistency is located. */
type EventPlace = Pick<Inconsistency, 'eventId' | 'globalPosition' | 'streamId'>;

/**
 * Replays the events of a range in global order: positions increase inside the range, each hash
 * is the hash of its content and prevHash, and each stream's chain links revision to revision
 * (from the given predecessor, or from GENESIS at revision 0).
 */
export class EventChains {
  private readonly lastOfStream = new Map<string, AuditedEvent>();
  private previousPosition: number;

  constructor(
    private readonly predecessors: ReadonlyMap<string, string>,
    private readonly range: { fromPosition: number; toPosition: number },
  ) {
    this.previousPosition = range.fromPosition;
  }

  /** The event's first inconsistency; none, and it becomes its stream's last event. */
  check(event: AuditedEvent): Inconsistency | undefined {
    const at = {
      eventId: event.id,
      globalPosition: event.globalPosition,
      streamId: event.streamId,
    };
    const problem =
      this.orderProblem(event, at) ?? hashProblem(event, at) ?? this.linkProblem(event, at);
    if (!problem) this.lastOfStream.set(event.streamId, event);
    return problem;
  }

  private orderProblem(event: AuditedEvent, at: EventPlace): Inconsistency | undefined {
    const rangeTo = this.range.toPosition;
    if (!(event.globalPosition > this.previousPosition) || event.globalPosition > rangeTo) {
      return {
        kind: 'event_order',
        ...at,
        expected: `a position in (${this.previousPosition}, ${rangeTo}]`,
        found: String(event.globalPosition),
        message: `event ${event.id} at position ${event.globalPosition} is out of global order or outside the range`,
      };
    }
    this.previousPosition = event.globalPosition;
    return undefined;
  }

  /** prevHash links to the stream's previous event, then revisions follow on without a gap. */
  private linkProblem(event: AuditedEvent, at: EventPlace): Inconsistency | undefined {
    const last = this.lastOfStream.get(event.streamId);
    const predecessor = this.predecessors.get(event.streamId);
    const expectedPrev = last ? last.hash! : (predecessor ?? GENESIS_HASH);
    const source = last
      ? `${event.streamId}@${last.revision}`
      : predecessor !== undefined
        ? 'the given predecessor'
        : 'GENESIS';
    if (event.prevHash !== expectedPrev) {
      const gap =
        last && event.revision !== last.revision + 1
          ? ` (revision ${last.revision + 1} is missing)`
          : '';
      return {
        kind: 'chain_break',
        ...at,
        expected: expectedPrev,
        found: event.prevHash!,
        message: `event ${event.id} (${event.streamId}@${event.revision}): prevHash does not link to ${source}${gap}`,
      };
    }
    return revisionProblem(event, last, predecessor, source, at);
  }
}

function hashProblem(event: AuditedEvent, at: EventPlace): Inconsistency | undefined {
  const recomputed = eventHash(event, event.prevHash ?? '');
  if (event.hash === recomputed && event.prevHash !== undefined) return undefined;
  return {
    kind: 'event_hash',
    ...at,
    expected: recomputed,
    found: event.hash ?? '(missing)',
    message:
      event.prevHash === undefined
        ? `event ${event.id} has no prevHash`
        : `event ${event.id} (${event.streamId}@${event.revision}): its content does not hash to the stored hash`,
  };
}

/** Revision 0 starts a stream, a stream with a predecessor does not, and no revision is skipped. */
function revisionProblem(
  event: AuditedEvent,
  last: AuditedEvent | undefined,
  predecessor: string | undefined,
  source: string,
  at: EventPlace,
): Inconsistency | undefined {
  const expectedRevision = last ? last.revision + 1 : predecessor === undefined ? 0 : undefined;
  if (
    (expectedRevision !== undefined && event.revision !== expectedRevision) ||
    (expectedRevision === undefined && event.revision === 0)
  ) {
    return {
      kind: 'chain_break',
      ...at,
      expected: expectedRevision === undefined ? 'revision > 0' : `revision ${expectedRevision}`,
      found: `revision ${event.revision}`,
      message: `event ${event.id}: stream ${event.streamId} jumps to revision ${event.revision} after ${source}`,
    };
  }
  return undefined;
}
