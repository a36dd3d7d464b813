import { createHash } from 'node:crypto';

/** Inclusive revisions [first, last] of one stream, all of them in the bundle. */
export type RevisionRun = [number, number];

/**
 * What the exporter signs: the selection, and exactly which checkpoints and events answer it.
 * With it, the verifier tells a filtered export (fewer events, all listed) from a truncated one.
 */
export interface BundleContents {
  /** The filter, as the exporter applied it. */
  selection: Record<string, unknown>;
  /** The selection was applied to the log up to this global position. */
  throughPosition: number;
  /** Sequences of the checkpoint lines, ascending. */
  checkpoints: number[];
  eventCount: number;
  /** Per stream, in order of first appearance, the runs of revisions exported. */
  streams: [string, RevisionRun[]][];
  /** SHA-256 (hex) of "<globalPosition> <hash>\n" for every event line, in order. */
  eventsDigest: string;
}

/** Where and what each event line holds: what the header's digest and runs are made of. */
export interface ListedEvent {
  streamId: string;
  revision: number;
  globalPosition: number;
  hash: string;
}

export class EventsDigest {
  private readonly sha = createHash('sha256');
  add(event: { globalPosition: number; hash: string }): void {
    this.sha.update(`${event.globalPosition} ${event.hash}\n`, 'utf8');
  }
  hex(): string {
    return this.sha.digest('hex');
  }
}

export function bundleContentsOf(input: {
  selection: Record<string, unknown>;
  throughPosition: number;
  checkpoints: readonly { sequence: number }[];
  /** In global order. */
  events: readonly ListedEvent[];
}): BundleContents {
  const runs = new Map<string, RevisionRun[]>();
  const digest = new EventsDigest();
  for (const event of input.events) {
    digest.add(event);
    const streamRuns = runs.get(event.streamId) ?? [];
    const last = streamRuns[streamRuns.length - 1];
    if (last && event.revision === last[1] + 1) last[1] = event.revision;
    else streamRuns.push([event.revision, event.revision]);
    runs.set(event.streamId, streamRuns);
  }
  return {
    // A JSON round trip: undefined fields are dropped, as the line itself will drop them.
    selection: JSON.parse(JSON.stringify(input.selection)) as Record<string, unknown>,
    throughPosition: input.throughPosition,
    checkpoints: input.checkpoints.map((checkpoint) => checkpoint.sequence),
    eventCount: input.events.length,
    streams: [...runs],
    eventsDigest: digest.hex(),
  };
}
