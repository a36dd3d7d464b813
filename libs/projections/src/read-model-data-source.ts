import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { boundedPoolConfig, PgliteExecutor } from '@policloud/event-store';
import { pgliteTypeormDriver } from './pglite-typeorm-driver';

export type ReadModelDatabase =
  | {
      kind: 'postgres';
      url: string;
      /** Bound on every database wait (DEFAULT_DATABASE_TIMEOUT_MS). */ timeoutMs?: number;
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
      ? { url: database.url, extra: { max: 10, ...boundedPoolConfig(database.timeoutMs) } }
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
  await dataSource.runMigrations();
  return dataSource;
}
