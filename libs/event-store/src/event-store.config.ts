import { EsdbEventStore } from './esdb/esdb-event-store';
import { CheckpointStore, EventStore } from './event-store.port';
import { boundedPoolConfig } from './sql/database-timeouts';
import { PgExecutor } from './sql/pg-executor';
import { PgliteExecutor } from './sql/pglite-executor';
import { SqlEventStore } from './sql/sql-event-store';

export type EventStoreKind = 'embedded' | 'postgres' | 'esdb';

export interface EventStoreConfig {
  kind: EventStoreKind;
  /** The embedded database, opened by the caller (the read models may share it). */
  embedded?: PgliteExecutor;
  databaseUrl?: string;
  esdbConnectionString?: string;
  /** Bound on every database wait (DATABASE_TIMEOUT_MS). */
  databaseTimeoutMs?: number;
}

/** Opens the adapter the configuration names; it also keeps the consumers' checkpoints. */
export async function openEventStore(
  config: EventStoreConfig,
): Promise<EventStore & CheckpointStore> {
  switch (config.kind) {
    case 'postgres':
      if (!config.databaseUrl) throw new Error('DATABASE_URL is required for EVENT_STORE=postgres');
      return SqlEventStore.open(
        'postgres',
        new PgExecutor({
          connectionString: config.databaseUrl,
          ...boundedPoolConfig(config.databaseTimeoutMs),
        }),
      );
    case 'esdb':
      if (!config.esdbConnectionString) {
        throw new Error('ESDB_CONNECTION_STRING is required for EVENT_STORE=esdb');
      }
      return EsdbEventStore.connect(config.esdbConnectionString);
    case 'embedded':
      if (!config.embedded) throw new Error('EVENT_STORE=embedded needs the embedded database');
      return SqlEventStore.open('embedded', config.embedded);
  }
}
