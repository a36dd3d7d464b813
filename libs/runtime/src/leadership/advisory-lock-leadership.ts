import { createHash } from 'node:crypto';
import { Client, ClientConfig } from 'pg';
import { Leadership, LeadershipHandlers } from './leadership';

export interface AdvisoryLockOptions {
  /** How often a standby tries to take the lock, and the leader checks its connection. */
  pollMs?: number;
  /** Longest wait for the lock's connection to answer a check before the leader steps down. */
  checkTimeoutMs?: number;
  onChange?: (leading: boolean, reason: string) => void;
}

/**
 * A 64-bit advisory lock key for a singleton of one deployment: advisory locks are shared by a
 * whole database, so the scope (database and schema) is part of the key.
 */
export function advisoryLockKey(scope: string, singleton: string): string {
  return BigInt.asIntN(
    64,
    BigInt(
      '0x' +
        createHash('sha256').update(`policloud:${scope}:${singleton}`).digest('hex').slice(0, 16),
    ),
  ).toString();
}

/**
 * Leadership by a PostgreSQL session advisory lock held on a dedicated connection. The lock
 * lives exactly as long as that session: when the leader dies or loses its connection, the
 * server frees it and a standby takes it at its next poll. The leader checks its connection at
 * the same pace and stops its work as soon as a check fails, so two leaders never work together
 * for longer than one poll.
 */
export class AdvisoryLockLeadership implements Leadership {
  private client: Client | null = null;
  private leading = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private handlers: LeadershipHandlers | undefined;
  private tick: Promise<void> = Promise.resolve();
  private key: string | undefined;
  private readonly pollMs: number;
  private readonly checkTimeoutMs: number;

  constructor(
    readonly singleton: string,
    private readonly connection: ClientConfig,
    private readonly options: AdvisoryLockOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1_000;
    this.checkTimeoutMs = options.checkTimeoutMs ?? 2_000;
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(handlers: LeadershipHandlers): void {
    if (!this.stopped) return;
    this.handlers = handlers;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    await this.stepDown('stopped');
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.poll().finally(() => this.schedule(this.pollMs));
    }, delayMs);
  }

  private async poll(): Promise<void> {
    try {
      if (this.leading) await this.check();
      else await this.tryToLead();
    } catch (error) {
      await this.stepDown(`lost the lock's connection: ${(error as Error).message}`);
    }
  }

  private async tryToLead(): Promise<void> {
    const client = await this.connect();
    const [row] = (
      await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
        this.key,
      ])
    ).rows;
    if (!row.locked || this.stopped) return;
    this.leading = true;
    this.options.onChange?.(true, 'took the lock');
    await this.handlers?.onElected();
  }

  /** Fails when the connection, and so the lock, may be gone. */
  private async check(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('no connection');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.checkTimeoutMs} ms`)),
        this.checkTimeoutMs,
      );
    });
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({
      ...this.connection,
      application_name: `policloud-leader-${this.singleton}`,
    });
    // A lost session frees the lock on the server: the work must stop here at once.
    client.on(
      'error',
      (error) => void this.stepDown(`lost the lock's connection: ${error.message}`),
    );
    client.on('end', () => void this.stepDown("the lock's connection ended"));
    await client.connect();
    const [{ scope }] = (
      await client.query<{ scope: string }>(
        "SELECT current_database() || '.' || current_schema() AS scope",
      )
    ).rows;
    this.key = advisoryLockKey(scope, this.singleton);
    this.client = client;
    return client;
  }

  private async stepDown(reason: string): Promise<void> {
    const client = this.client;
    this.client = null;
    const wasLeading = this.leading;
    this.leading = false;
    if (wasLeading) {
      this.options.onChange?.(false, reason);
      await Promise.resolve(this.handlers?.onDeposed()).catch(() => undefined);
    }
    // Closing the session releases the lock, after the work has stopped.
    await client?.end().catch(() => undefined);
  }
}
