import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { EsdbEventStore } from './esdb/esdb-event-store';
import { CheckpointStore, EventStore } from './event-store.port';
import { PgExecutor } from './sql/pg-executor';
import { PgliteExecutor } from './sql/pglite-executor';
import { SqlEventStore } from './sql/sql-event-store';

export type EventStoreKind = 'embedded' | 'postgres' | 'esdb';

export interface EventStoreConfig {
  kind: EventStoreKind;
  /** Directory of the embedded (PGlite) database files. */
  dataDir?: string;
  databaseUrl?: string;
  esdbConnectionString?: string;
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
        new PgExecutor({ connectionString: config.databaseUrl }),
      );
    case 'esdb':
      if (!config.esdbConnectionString) {
        throw new Error('ESDB_CONNECTION_STRING is required for EVENT_STORE=esdb');
      }
      return EsdbEventStore.connect(config.esdbConnectionString);
    case 'embedded': {
      const directory = path.join(config.dataDir ?? './data', 'event-store');
      mkdirSync(directory, { recursive: true });
      return SqlEventStore.open('embedded', await PgliteExecutor.open(directory));
    }
  }
}
