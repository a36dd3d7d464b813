import * as path from 'node:path';
import { AppConfig, ConfigError } from '@policloud/config';
import {
  boundedPoolConfig,
  CheckpointStore,
  EmbeddedDatabaseUnusableError,
  EventStore,
  GroupCommitEventStore,
  openEventStore,
  PgExecutor,
  PgliteExecutor,
} from '@policloud/event-store';
import { ReadModelDatabase } from '@policloud/projections';

/**
 * The embedded PGlite database, when anything runs embedded: the event store (EVENT_STORE=
 * embedded) and/or the read models (no DATABASE_URL). One instance: PGlite opens a directory once.
 */
export async function openEmbeddedDatabase(config: AppConfig): Promise<PgliteExecutor | null> {
  if (config.eventStore !== 'embedded' && config.databaseUrl) return null;
  try {
    return await PgliteExecutor.open(path.join(config.dataDir, 'pglite'));
  } catch (error) {
    // One line that names the setting: the start stops there, with nothing deleted.
    if (error instanceof EmbeddedDatabaseUnusableError)
      throw new ConfigError('DATA_DIR', `(${config.dataDir}): ${error.message}`);
    throw error;
  }
}

/** The configured event store; the SQL ones append new streams with group commit. */
export async function openConfiguredEventStore(
  config: AppConfig,
  embedded: PgliteExecutor | null,
): Promise<EventStore & CheckpointStore> {
  if (config.eventStore === 'postgres' && config.databaseUrl) {
    return GroupCommitEventStore.open(
      'postgres',
      new PgExecutor({
        connectionString: config.databaseUrl,
        max: config.databasePools.eventStore,
        ...boundedPoolConfig(config.databaseTimeoutMs),
      }),
    );
  }
  if (config.eventStore === 'embedded' && embedded) {
    return GroupCommitEventStore.open('embedded', embedded);
  }
  return openEventStore({
    kind: config.eventStore,
    databaseUrl: config.databaseUrl,
    esdbConnectionString: config.esdbConnectionString,
    embedded: embedded ?? undefined,
    databaseTimeoutMs: config.databaseTimeoutMs,
  });
}

export function readModelDatabase(
  config: AppConfig,
  embedded: PgliteExecutor | null,
): ReadModelDatabase {
  return config.databaseUrl
    ? {
        kind: 'postgres',
        url: config.databaseUrl,
        timeoutMs: config.databaseTimeoutMs,
        poolMax: config.databasePools.readModels,
      }
    : { kind: 'embedded', executor: embedded! };
}
