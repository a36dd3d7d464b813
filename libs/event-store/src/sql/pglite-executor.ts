import { PGlite } from '@electric-sql/pglite';
import { openPgliteDirectory } from './pglite-data-directory';
import { SqlClient, SqlExecutor } from './sql-executor';

/**
 * PGlite is a single database session: two transactions started concurrently would interleave
 * their statements on it. Every query and transaction therefore runs strictly one after another.
 */
export class PgliteExecutor implements SqlExecutor {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly db: PGlite) {}

  /** In memory without `dataDir`; on disk, created so that a kill during the first start is harmless. */
  static async open(dataDir?: string): Promise<PgliteExecutor> {
    if (dataDir) return new PgliteExecutor(await openPgliteDirectory(dataDir));
    const db = new PGlite();
    await db.waitReady;
    return new PgliteExecutor(db);
  }

  query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.exclusive(() => this.run<Row>(sql, params));
  }

  transaction<T>(work: (client: SqlClient) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.db.exec('BEGIN');
      try {
        const result = await work({
          query: (sql, params) => this.run(sql, params ?? []),
          exec: async (script) => {
            await this.db.exec(script);
          },
        });
        await this.db.exec('COMMIT');
        return result;
      } catch (error) {
        await this.db.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  exec(script: string): Promise<void> {
    return this.exclusive(async () => {
      await this.db.exec(script);
    });
  }

  close(): Promise<void> {
    return this.exclusive(() => this.db.close());
  }

  /**
   * Holds the database exclusively until `release()`: a connection in the sense of a pool, for
   * clients (TypeORM) that run a transaction as a series of separate queries.
   */
  async lease(): Promise<{ client: SqlClient; release: () => void }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await new Promise<void>((granted) => {
      void this.exclusive(() => {
        granted();
        return released;
      });
    });
    return {
      client: {
        query: (sql, params) => this.run(sql, params ?? []),
        exec: async (script) => {
          await this.db.exec(script);
        },
      },
      release,
    };
  }

  private async run<Row>(sql: string, params: unknown[]): Promise<Row[]> {
    const result = await this.db.query<Row>(sql, params);
    return result.rows;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
