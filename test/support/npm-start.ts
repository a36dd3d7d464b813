import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONFIG_VARIABLES } from '@policloud/config';
import { eventually } from './eventually';
import { freePort } from './free-port';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface NpmStart {
  baseUrl: string;
  /** What the service printed, for failure messages. */
  output(): string;
  /** Stops npm, its shell and the service together, and deletes the data directory. */
  stop(): Promise<void>;
}

/**
 * `npm start` as a user runs it: only `variables` configure it (none of the test run's own, such
 * as DATABASE_URL), on a free port, with a fresh temporary DATA_DIR; resolves once it answers
 * /health/live.
 */
export async function npmStart(
  variables: Record<string, string>,
  timeoutMs = 180_000,
): Promise<NpmStart> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-npm-start-'));
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !(CONFIG_VARIABLES as readonly string[]).includes(name),
    ),
  );
  const service: ChildProcess = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...inherited, LOG_LEVEL: 'warn', ...variables, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: npm, its shell and the service stop together.
    detached: true,
  });
  let output = '';
  service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stop = async () => {
    if (service.exitCode === null && service.signalCode === null) {
      const exited = new Promise((resolve) => service.once('exit', resolve));
      process.kill(-service.pid!, 'SIGTERM');
      await exited;
    }
    service.stdout?.destroy();
    service.stderr?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => {
        if (service.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
        try {
          return (await fetch(`${baseUrl}/health/live`)).ok;
        } catch {
          return false;
        }
      },
      'npm start to answer /health/live',
      timeoutMs,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, output: () => output, stop };
}
