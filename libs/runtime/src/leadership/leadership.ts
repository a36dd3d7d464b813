/**
 * Who runs a singleton worker (projection runner, Kafka relay, audit sealer, scheduled matching):
 * exactly one process of a deployment at a time.
 */
export interface Leadership {
  readonly singleton: string;
  isLeader(): boolean;
  /** Calls `onElected` once this process leads, `onDeposed` as soon as it stops leading. */
  start(handlers: LeadershipHandlers): void;
  /** Stops the work (onDeposed) and lets a standby take over at once. */
  stop(): Promise<void>;
}

export interface LeadershipHandlers {
  onElected(): Promise<void> | void;
  onDeposed(): Promise<void> | void;
}

/** A process that is the only one of its deployment (the embedded default) always leads. */
export class SoleLeadership implements Leadership {
  private leading = false;
  private handlers: LeadershipHandlers | undefined;

  constructor(
    readonly singleton: string,
    private readonly onChange?: (leading: boolean, reason: string) => void,
  ) {}

  isLeader(): boolean {
    return this.leading;
  }

  start(handlers: LeadershipHandlers): void {
    this.handlers = handlers;
    this.leading = true;
    this.onChange?.(true, 'the only process of its deployment');
    void handlers.onElected();
  }

  async stop(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.onChange?.(false, 'stopped');
    await this.handlers?.onDeposed();
  }
}
