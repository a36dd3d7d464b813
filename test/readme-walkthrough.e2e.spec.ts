import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CONFIG_VARIABLES } from '@policloud/config';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';

const REPO_ROOT = path.resolve(__dirname, '..');

/** The README's walkthrough: its ```sh blocks between the walkthrough markers, in order. */
function walkthroughBlocks(): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const begin = readme.indexOf('<!-- walkthrough:begin -->');
  const end = readme.indexOf('<!-- walkthrough:end -->');
  if (begin < 0 || end < begin) throw new Error('README.md has no walkthrough markers');
  return [...readme.slice(begin, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** `VAR=value ... npm start`: the variables the walkthrough starts the service with. */
function startVariables(command: string): Record<string, string> {
  const start = /((?:[A-Z_]+=\S+ )+)npm start\s*$/.exec(command.trim());
  if (!start) throw new Error(`the first walkthrough block does not run npm start: ${command}`);
  return Object.fromEntries(
    start[1]
      .trim()
      .split(/\s+/)
      .map((assignment) => assignment.split('=', 2) as [string, string]),
  );
}

/**
 * Runs the README's ten-minute walkthrough as a script against `npm start` started as the README
 * says (with its variables; only the port and data directory are the test's own).
 */
describe('the README walkthrough, command by command, on a fresh npm start', () => {
  const [startBlock, ...steps] = walkthroughBlocks();
  let service: ChildProcess;
  let output = '';
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-walkthrough-'));
    // Only the README's variables: none of the test run's (DATABASE_URL, KAFKA_BROKERS…).
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !(CONFIG_VARIABLES as readonly string[]).includes(name),
      ),
    );
    service = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: {
        ...inherited,
        ...startVariables(startBlock),
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: npm, its shell and the service stop together.
      detached: true,
    });
    service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await eventually(
      async () => {
        if (service.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
        try {
          return (await fetch(`http://127.0.0.1:${port}/health/live`)).ok;
        } catch {
          return false;
        }
      },
      'npm start to answer /health/live',
      180_000,
    );
  }, 200_000);

  afterAll(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service.once('exit', resolve));
      process.kill(-service.pid!, 'SIGTERM');
      await exited;
    }
    service?.stdout?.destroy();
    service?.stderr?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with the sandbox clock', () => {
    expect(startVariables(startBlock)).toMatchObject({ CLOCK: 'sandbox' });
    expect(steps.length).toBeGreaterThanOrEqual(5);
  });

  it('runs every step without an error, through a closed month and a verified audit', async () => {
    // As a reader's shell would stop at the first failing command, and inside $(…) too.
    const script = ['set -euo pipefail', 'shopt -s inherit_errexit', ...steps].join('\n');
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)('bash', ['-c', script], {
        cwd: REPO_ROOT,
        env: { ...process.env, API: `http://127.0.0.1:${port}` },
        maxBuffer: 16 * 1024 * 1024,
      }));
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `the walkthrough failed: ${failed.message}\nstdout:\n${failed.stdout}\nstderr:\n${failed.stderr}`,
      );
    }
    // Three slots allocated, each metered, and March closed with balanced statements.
    expect(stdout).toContain('"allocationCount":3');
    expect(stdout).toMatch(/\{"role":"buyer","total":-\d+,"currency":"EUR"\}/);
    // The close's statements balance: the buyer's charge is every payout plus the fee.
    const closed = stdout
      .split('\n')
      .filter((line) => /^\{"role":"[a-z]+","total":-?\d+\}$/.test(line))
      .map((line) => JSON.parse(line) as { role: string; total: number });
    const roles = closed.slice(0, 4);
    expect(roles.map((statement) => statement.role).sort()).toEqual([
      'buyer',
      'host',
      'platform',
      'producer',
    ]);
    expect(roles.reduce((sum, statement) => sum + statement.total, 0)).toBe(0);
    expect(stdout).toMatch(/\{"role":"producer","total":\d+\}/);
    expect(stdout).toMatch(/\{"role":"host","total":\d+\}/);
    // The audit verifies (jq -e printed true) and every GPU-hour ran in France.
    expect(stdout).toMatch(/^true$/m);
    expect(stdout).toContain('"country":"FR","operatorJurisdiction":"FR","gpus":8');
  }, 120_000);
});
