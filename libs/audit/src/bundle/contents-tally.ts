import { BundleContents, EventsDigest, ListedEvent, RevisionRun } from './header-contents';

/** A missing checkpoint, stream or run of events: what the signed header lists and the bundle lacks. */
export interface MissingLine {
  kind: 'missing_checkpoint' | 'missing_stream' | 'missing_event';
  message: string;
}

/**
 * Tallies the lines of a bundle against its signed header: which listed checkpoints and events
 * are present (and on which line), and the digest of the events as they appear.
 */
export class ContentsTally {
  private readonly listed = new Map<string, Set<number>>();
  private readonly seenEvents = new Map<string, Map<number, number>>();
  private readonly seenCheckpoints = new Set<number>();
  private readonly digest = new EventsDigest();

  constructor(private readonly contents: BundleContents) {
    for (const [streamId, runs] of contents.streams) {
      const revisions = new Set<number>();
      for (const [first, last] of runs) for (let r = first; r <= last; r++) revisions.add(r);
      this.listed.set(streamId, revisions);
    }
  }

  /** Records a checkpoint line; false when the header does not list it. */
  checkpoint(sequence: number): boolean {
    this.seenCheckpoints.add(sequence);
    return this.contents.checkpoints.includes(sequence);
  }

  /** Records an event line; false when the header does not list it. */
  event(event: ListedEvent, line: number): boolean {
    this.digest.add(event);
    const seen = this.seenEvents.get(event.streamId) ?? new Map<number, number>();
    if (!seen.has(event.revision)) seen.set(event.revision, line);
    this.seenEvents.set(event.streamId, seen);
    return this.listed.get(event.streamId)?.has(event.revision) ?? false;
  }

  /** What the header lists and no line holds: checkpoints, whole streams, runs of events. */
  missing(): MissingLine[] {
    const missing: MissingLine[] = [];
    for (const sequence of this.contents.checkpoints) {
      if (!this.seenCheckpoints.has(sequence))
        missing.push({
          kind: 'missing_checkpoint',
          message: `checkpoint ${sequence} is listed in the signed header but is not in the bundle`,
        });
    }
    for (const [streamId, runs] of this.contents.streams) {
      const seen = this.seenEvents.get(streamId);
      if (!seen) {
        const total = runs.reduce((sum, [first, last]) => sum + last - first + 1, 0);
        missing.push({
          kind: 'missing_stream',
          message: `stream ${streamId}: all ${total} of its events listed in the signed header (revisions ${runs.map(describeRun).join(', ')}) are missing`,
        });
        continue;
      }
      for (const run of this.absentRuns(runs, seen)) {
        const nextLine = [...seen]
          .filter(([revision]) => revision > run[1])
          .map(([, line]) => line);
        const where =
          nextLine.length > 0 ? `before line ${Math.min(...nextLine)}` : 'at the end of its stream';
        missing.push({
          kind: 'missing_event',
          message: `event ${streamId}@${describeRun(run)} is listed in the signed header but missing (${where})`,
        });
      }
    }
    return missing;
  }

  /** True when the events appear with the positions and hashes the header signed. */
  digestMatches(): boolean {
    return this.digest.hex() === this.contents.eventsDigest;
  }

  private absentRuns(
    runs: readonly RevisionRun[],
    seen: ReadonlyMap<number, number>,
  ): RevisionRun[] {
    const absent: RevisionRun[] = [];
    for (const [first, last] of runs) {
      for (let revision = first; revision <= last; revision++) {
        if (seen.has(revision)) continue;
        const open = absent[absent.length - 1];
        if (open && open[1] === revision - 1) open[1] = revision;
        else absent.push([revision, revision]);
      }
    }
    return absent;
  }
}

function describeRun([first, last]: RevisionRun): string {
  return first === last ? String(first) : `${first}–${last}`;
}
