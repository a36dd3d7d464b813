import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Stops the broker only if the global setup started it. */
export default function globalTeardown(): void {
  if (process.env.POLICLOUD_TEST_STARTED_KAFKA !== 'true') return;
  execFileSync('bash', [path.join(__dirname, '..', '..', 'scripts', 'kafka.sh'), 'stop'], {
    stdio: 'inherit',
  });
}
