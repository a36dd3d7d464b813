import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { boundedPoolConfig, PgliteExecutor } from '@policloud/event-store';
import { pgliteTypeormDriver } from './pglite-typeorm-driver';

export type ReadModelDatabase =
  | {
      kind: 'postgres';
      url: string;
      /** Bound on every database wait (DEFAULT_DATABASE_TIMEOUT_MS). */ timeoutMs?: number;
      /** Connections at most (10 unless given). */
      poolMax?: number;
    }
  | { kind: 'embedded'; executor: PgliteExecutor };

export interface ReadModelSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * The read models' TypeORM data source: PostgreSQL, or the embedded PGlite database through a
 * serialising driver. Schema changes only through migrations, never `synchronize`.
 */
export async function openReadModels(
  database: ReadModelDatabase,
  schema: ReadModelSchema,
): Promise<DataSource> {
  const connection =
    database.kind === 'postgres'
      ? {
          url: database.url,
          extra: { max: database.poolMax ?? 10, ...boundedPoolConfig(database.timeoutMs) },
        }
      : { driver: pgliteTypeormDriver(database.executor) };
  const dataSource = new DataSource({
    type: 'postgres',
    ...connection,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'rm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
  });
  await dataSource.initialize();
  if (database.kind === 'postgres') await migrateAlone(dataSource);
  else await dataSource.runMigrations();
  return dataSource;
}

/** Advisory lock key of read-model migrations, paired with the schema's hash (one per deployment). */
const MIGRATIONS_LOCK_KEY = 72_620_101;

/**
 * Runs the pending migrations while holding a session lock of the schema, so that processes
 * starting together (API replicas, the projector) migrate one after the other instead of racing
 * to create the same tables. (PGlite has one process and one session: nothing to serialise.)
 */
async function migrateAlone(dataSource: DataSource): Promise<void> {
  const lock = dataSource.createQueryRunner();
  const key = `${MIGRATIONS_LOCK_KEY}, hashtext(current_schema())`;
  try {
    await lock.query(`SELECT pg_advisory_lock(${key})`);
    await dataSource.runMigrations();
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(${key})`).catch(() => undefined);
    await lock.release();
  }
}
