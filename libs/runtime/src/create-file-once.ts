import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { fsyncDirectory } from '@policloud/event-store';

/**
 * Creates `file` with `content` unless it exists, and returns what the file holds. The content is
 * written and synced under a temporary name, then linked into place: a process killed meanwhile
 * leaves a stray temporary file, never a half-written `file` that every later start would choke on.
 * Linking (unlike renaming) never replaces a file another process created first.
 */
export function createFileOnce(file: string, content: string, mode = 0o600): string {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
    fsyncDirectory(path.dirname(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return readFileSync(file, 'utf8');
}
