import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AppConfig } from '@policloud/config';
import { openEmbeddedDatabase } from './infrastructure';

const ROOT = path.join(__dirname, '../../..');
/** Opens the embedded store under DATA_DIR as the service does, appends, and exits. */
const CHILD = path.join(ROOT, 'test/support/open-embedded-store.ts');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the child on DATA_DIR; with `kill`, sends that signal `afterMs` after the child began
 * opening the store. (A child, not this process: PGlite initialises several times faster there.)
 */
async function runStore(
  dataDir: string,
  kill?: { signal: NodeJS.Signals; afterMs: number },
): Promise<Exit> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', CHILD],
    { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let opening!: () => void;
  const announced = new Promise<void>((resolve) => (opening = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('opening\n')) opening();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  if (kill) {
    await Promise.race([announced, exit]);
    await new Promise((resolve) => setTimeout(resolve, kill.afterMs));
    child.kill(kill.signal);
  }
  return exit;
}

/** A start after the kill: the store opens, migrates and appends. */
async function startAndAppend(dataDir: string, after: string): Promise<void> {
  const run = await runStore(dataDir);
  if (run.code !== 0 || !/appended \d+\n/.test(run.stdout)) {
    throw new Error(`${after}, the next start failed (exit ${run.code}): ${run.stderr}`);
  }
}

describe('the embedded store survives a kill during its first start', () => {
  const directories: string[] = [];
  const freshDataDir = () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'policloud-first-start-'));
    directories.push(directory);
    return directory;
  };
  afterAll(() =>
    directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })),
  );

  it('every later start opens the store and appends, whatever the moment of the kill', async () => {
    // Spread over the first seconds of a fresh DATA_DIR (initialising takes 2–10 s, with load).
    const delays = [0, 250, 600, 1000, 1600, 2400, 3500, 5000];
    const cases = delays.map((afterMs, i) => ({
      afterMs,
      signal: (i % 2 === 0 ? 'SIGKILL' : 'SIGINT') as NodeJS.Signals,
      dataDir: freshDataDir(),
    }));
    let interrupted = 0;
    // Two at a time: each case is a killed first start, then a full one.
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(
        cases.slice(i, i + 2).map(async ({ dataDir, signal, afterMs }) => {
          const killed = await runStore(dataDir, { signal, afterMs });
          if (!killed.stdout.includes('appended')) interrupted += 1;
          await startAndAppend(dataDir, `after ${signal} at ${afterMs} ms`);
          // Nothing is left beside the database.
          expect(readdirSync(dataDir)).toEqual(['pglite']);
        }),
      );
    }
    // Most kills landed before the first start was done: the window that bricked a new user's data.
    expect(interrupted).toBeGreaterThanOrEqual(cases.length / 2);
  }, 300_000);

  it('removes the leftover of an interrupted initialisation', async () => {
    const dataDir = freshDataDir();
    // A pid no process has: the process that began this initialisation is gone.
    const leftover = path.join(dataDir, 'pglite.initialising-2147483646');
    mkdirSync(leftover);
    writeFileSync(path.join(leftover, 'PG_VERSION'), '16\n');
    await startAndAppend(dataDir, 'with a leftover initialisation');
    expect(readdirSync(dataDir)).toEqual(['pglite']);
  }, 120_000);

  it('stops with one line naming DATA_DIR on a damaged database, and deletes nothing', async () => {
    const dataDir = freshDataDir();
    const damaged = path.join(dataDir, 'pglite');
    mkdirSync(damaged);
    writeFileSync(path.join(damaged, 'PG_VERSION'), '16\n');
    const opening = openEmbeddedDatabase({ eventStore: 'embedded', dataDir } as AppConfig);
    await expect(opening).rejects.toThrow(
      /^Invalid configuration: DATA_DIR \(.*\): the embedded database .*pglite cannot be opened \([^\n]*\)[^\n]*$/,
    );
    expect(readdirSync(damaged)).toEqual(['PG_VERSION']);
  }, 120_000);
});
