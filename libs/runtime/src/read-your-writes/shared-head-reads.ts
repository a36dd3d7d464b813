/**
 * Reads of the log's head shared by concurrent callers: a caller joins a read that starts after
 * its call (never one already in flight, which might miss what committed just before the call),
 * so one query answers every caller that queued while the previous one ran.
 */
export class SharedHeadReads {
  private inFlight: Promise<number> | null = null;
  private queued: Promise<number> | null = null;

  constructor(private readonly readHead: () => Promise<number>) {}

  /** The head position as of a moment at or after this call. */
  read(): Promise<number> {
    if (!this.inFlight) return this.start();
    if (!this.queued) {
      const settled = this.inFlight.then(
        () => undefined,
        () => undefined,
      );
      this.queued = settled.then(() => {
        this.queued = null;
        return this.start();
      });
    }
    return this.queued;
  }

  private start(): Promise<number> {
    const read = this.readHead().finally(() => {
      if (this.inFlight === read) this.inFlight = null;
    });
    this.inFlight = read;
    return read;
  }
}
