import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describeEventStoreConformance } from '../event-store.conformance';
import { PgliteExecutor } from './pglite-executor';
import { SqlEventStore } from './sql-event-store';

let dataDir: string | undefined;

describeEventStoreConformance('embedded', {
  open: async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-embedded-'));
    return SqlEventStore.open('embedded', await PgliteExecutor.open(dataDir));
  },
  reopen: async () => SqlEventStore.open('embedded', await PgliteExecutor.open(dataDir)),
  cleanup: async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
});
