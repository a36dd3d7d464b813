import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './free-port';

/** The services that run as processes of their own (apps/<service>/src/main.ts). */
export type ServiceName = 'marketplace-api' | 'audit-api' | 'matching-engine' | 'projector';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BUILT_MARKER = path.join(REPO_ROOT, 'dist/apps/projector/src/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` when dist is missing or older than a source under apps/ or libs/. */
export function ensureBuilt(): void {
  const sources = Math.max(
    newestSource(path.join(REPO_ROOT, 'apps')),
    newestSource(path.join(REPO_ROOT, 'libs')),
  );
  let built = 0;
  try {
    built = statSync(BUILT_MARKER).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= sources) return;
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

export interface LogLine {
  msg?: string;
  level?: number | string;
  requestId?: string;
  [field: string]: unknown;
}

export interface StartOptions {
  /** Through `npm run start:prod:<service>` (npm as the parent), not node directly. */
  viaNpm?: boolean;
  /** A name for this process in failure messages (e.g. `api-1`). */
  label?: string;
}

/**
 * One service started from the build as an OS process, on a free port with its own DATA_DIR.
 * Its stdout JSON lines are kept (anything else on stdout or stderr is kept as text).
 */
export class ServiceProcess {
  readonly lines: LogLine[] = [];
  readonly text: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitedAt: number | undefined;

  private constructor(
    readonly label: string,
    readonly port: number,
    readonly child: ChildProcess,
    private readonly dataDir: string,
  ) {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.keep(line));
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitedAt = Date.now();
        rmSync(this.dataDir, { recursive: true, force: true });
        resolve({ code, signal });
      }),
    );
  }

  static async start(
    service: ServiceName,
    env: Record<string, string>,
    options: StartOptions = {},
  ): Promise<ServiceProcess> {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), `policloud-${service}-`));
    const processEnv = {
      ...process.env,
      ...env,
      PORT: String(port),
      DATA_DIR: dataDir,
      TS_NODE_BASEURL: './dist',
    };
    const child = options.viaNpm
      ? spawn('npm', ['run', `start:prod:${service}`], {
          cwd: REPO_ROOT,
          env: processEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(
          process.execPath,
          ['-r', 'tsconfig-paths/register', `dist/apps/${service}/src/main.js`],
          { cwd: REPO_ROOT, env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] },
        );
    return new ServiceProcess(options.label ?? service, port, child, dataDir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.exitedAt === undefined;
  }

  private keep(line: string): void {
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object') {
        this.lines.push(parsed as LogLine);
        return;
      }
    } catch {
      // not a JSON line (npm's banner, a crash before the logger exists)
    }
    this.text.push(line);
  }

  /** The last lines it printed, for a failure message. */
  tail(count = 20): string {
    const all = [...this.text, ...this.lines.map((line) => JSON.stringify(line))];
    return `${this.label}:\n${all.slice(-count).join('\n')}`;
  }

  /** Resolves once it answers /health/live; fails early when it exits first. */
  async waitUntilListening(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.label} exited during start\n${this.tail()}`);
      try {
        const response = await fetch(`${this.url}/health/live`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.label} did not start within ${timeoutMs} ms\n${this.tail()}`);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends `signal` and resolves with the milliseconds until the process exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    const sent = Date.now();
    this.signal(signal);
    await this.exited;
    return this.exitedAt! - sent;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pids whose parent is `pid` (Linux `ps`). */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((child) => child > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
