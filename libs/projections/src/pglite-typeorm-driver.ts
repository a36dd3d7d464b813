import { EventEmitter } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import { PgliteExecutor } from '@policloud/event-store';

type Callback<T> = (error: Error | null, result?: T) => void;

interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
}

/** The part of a node-postgres connection TypeORM's postgres driver uses. */
class LeasedConnection extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  query(
    sql: string,
    params?: unknown[] | Callback<PgLikeResult>,
    callback?: Callback<PgLikeResult>,
  ) {
    const values = Array.isArray(params) ? params : [];
    const done = typeof params === 'function' ? params : callback;
    const result = this.run(sql, values);
    if (!done) return result;
    result.then(
      (r) => done(null, r),
      (e: Error) => done(e),
    );
    return undefined;
  }

  private async run(sql: string, params: unknown[]): Promise<PgLikeResult> {
    const command = sql.trimStart().split(/\s/, 1)[0].toUpperCase();
    // Parameterless SQL may hold several statements (migrations): only exec() accepts those.
    const results = params.length ? [await this.db.query(sql, params)] : await this.db.exec(sql);
    const last = results[results.length - 1] ?? { rows: [], affectedRows: 0 };
    return { rows: last.rows, rowCount: last.affectedRows ?? last.rows.length, command };
  }
}

/**
 * A pg-compatible module (Pool + connections) over the embedded PGlite database, for TypeORM's
 * `driver` option. Each pooled connection is an exclusive lease on the single PGlite session,
 * so TypeORM transactions never interleave with other queries.
 */
export function pgliteTypeormDriver(executor: PgliteExecutor) {
  class Pool extends EventEmitter {
    connect(
      callback: (error: Error | null, connection?: LeasedConnection, release?: () => void) => void,
    ) {
      executor.lease().then(
        ({ release }) => callback(null, new LeasedConnection(executor.db), release),
        (error: Error) => callback(error),
      );
    }

    end(callback?: (error?: Error) => void) {
      callback?.();
    }
  }
  return { Pool };
}
