import { PGlite } from '@electric-sql/pglite';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
} from 'node:fs';
import * as path from 'node:path';

/** An existing embedded database directory that PGlite cannot open. */
export class EmbeddedDatabaseUnusableError extends Error {
  constructor(
    readonly directory: string,
    cause: unknown,
  ) {
    super(
      `the embedded database ${directory} cannot be opened (${describe(cause)}): it is damaged, or ` +
        'was left by a first start of an older version that was interrupted; move it away (delete ' +
        'it if it holds nothing you need) and start again',
    );
    this.name = 'EmbeddedDatabaseUnusableError';
  }
}

/** Sibling directories where a new database is initialised before it is moved into place. */
const INITIALISING = '.initialising-';

/**
 * Opens the PGlite database in `directory`, creating it if needed. PGlite initialises a new
 * database in place, and a process killed meanwhile (Ctrl-C on a first start) leaves a
 * half-written cluster that aborts every later open. So a new database is initialised in a
 * sibling directory, closed cleanly, and renamed into place: `directory` exists only once
 * complete. Leftovers of an interrupted initialisation are removed; an existing directory is
 * never deleted.
 */
export async function openPgliteDirectory(directory: string): Promise<PGlite> {
  const target = path.resolve(directory);
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  removeInterruptedInitialisations(target);
  if (isAbsentOrEmpty(target)) await initialiseInto(target);
  try {
    const db = new PGlite(target);
    await db.waitReady;
    return db;
  } catch (error) {
    throw new EmbeddedDatabaseUnusableError(target, error);
  }
}

async function initialiseInto(target: string): Promise<void> {
  const staging = `${target}${INITIALISING}${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  const db = new PGlite(staging);
  await db.waitReady;
  await db.close();
  removeEmptyDirectory(target);
  renameSync(staging, target);
  fsyncDirectory(path.dirname(target));
}

/** Staging directories of processes that are gone: the initialisation they began never ended. */
function removeInterruptedInitialisations(target: string): void {
  const prefix = path.basename(target) + INITIALISING;
  for (const entry of readdirSync(path.dirname(target))) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (Number.isSafeInteger(pid) && pid !== process.pid && isRunning(pid)) continue;
    rmSync(path.join(path.dirname(target), entry), { recursive: true, force: true });
  }
}

/** An empty target (earlier versions created it before the first open) holds nothing. */
function removeEmptyDirectory(directory: string): void {
  try {
    rmdirSync(directory); // fails on a directory that is not empty: never deletes data
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function isAbsentOrEmpty(directory: string): boolean {
  try {
    return readdirSync(directory).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes a rename in `directory` durable (a no-op where directories cannot be fsynced). */
export function fsyncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}
