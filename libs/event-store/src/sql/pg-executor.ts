import { Pool, PoolConfig, types } from 'pg';
import { boundedPoolConfig } from './database-timeouts';
import { SqlClient, SqlExecutor } from './sql-executor';

// int8 columns hold positions and revisions far below 2^53: read them as numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

export class PgExecutor implements SqlExecutor {
  readonly pool: Pool;

  /** Every wait is bounded (boundedPoolConfig) unless `config` sets its own bounds. */
  constructor(config: PoolConfig) {
    this.pool = new Pool({ max: 20, ...boundedPoolConfig(), ...config });
    // An idle client that loses its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as Row[];
  }

  async transaction<T>(work: (client: SqlClient) => Promise<T>): Promise<T> {
    const connection = await this.pool.connect();
    try {
      await connection.query('BEGIN');
      const result = await work({
        query: async <Row>(sql: string, params: unknown[] = []) =>
          (await connection.query(sql, params)).rows as Row[],
        exec: async (script: string) => {
          await connection.query(script);
        },
      });
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
