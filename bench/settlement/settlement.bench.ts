/**
 * `npm run bench:settlement [-- --quick]`: settling a million usage records in memory, then the
 * read models' catch-up from position 0 on PostgreSQL; each script prints its RESULT lines.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const flags = process.argv.slice(2);
for (const script of ['settle.bench.ts', 'projection-catchup.bench.ts']) {
  execFileSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      path.join(__dirname, script),
      ...flags,
    ],
    { stdio: 'inherit' },
  );
}
