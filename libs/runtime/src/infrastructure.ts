import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '@policloud/config';
import {
  CheckpointStore,
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
  const directory = path.join(config.dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  return PgliteExecutor.open(directory);
}

/** The configured event store; the SQL ones append new streams with group commit. */
export async function openConfiguredEventStore(
  config: AppConfig,
  embedded: PgliteExecutor | null,
): Promise<EventStore & CheckpointStore> {
  if (config.eventStore === 'postgres' && config.databaseUrl) {
    return GroupCommitEventStore.open('postgres', new PgExecutor({ connectionString: config.databaseUrl }));
  }
  if (config.eventStore === 'embedded' && embedded) {
    return GroupCommitEventStore.open('embedded', embedded);
  }
  return openEventStore({
    kind: config.eventStore,
    databaseUrl: config.databaseUrl,
    esdbConnectionString: config.esdbConnectionString,
    embedded: embedded ?? undefined,
  });
}

export function readModelDatabase(config: AppConfig, embedded: PgliteExecutor | null): ReadModelDatabase {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'embedded', executor: embedded! };
}
