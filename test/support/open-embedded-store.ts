/**
 * A child process for the first-start kill tests: opens the embedded store under DATA_DIR as the
 * service does (DATA_DIR/pglite, then the event store's migrations), appends one event and exits.
 * It prints `opening` just before the store is opened, so a parent can time a kill from then.
 * Only the store's own modules are loaded: the child starts in seconds, not tens of seconds.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { PgliteExecutor } from '../../libs/event-store/src/sql/pglite-executor';
import { SqlEventStore } from '../../libs/event-store/src/sql/sql-event-store';

async function main(dataDir: string): Promise<void> {
  process.stdout.write('opening\n');
  const store = await SqlEventStore.open(
    'embedded',
    await PgliteExecutor.open(path.join(dataDir, 'pglite')),
  );
  // The child proves the store opens and appends: no domain, straight to the store.
  await store.append(
    `probe-${randomUUID()}`,
    [{ id: randomUUID(), type: 'Probed', schemaVersion: 1, data: {}, metadata: {} }],
    'no_stream',
  );
  process.stdout.write(`appended ${await store.headPosition()}\n`);
  await store.close();
}

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');
main(dataDir).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
