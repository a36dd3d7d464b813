import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { npmStart, NpmStart } from './support/npm-start';

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
  let service: NpmStart;

  beforeAll(async () => {
    // Only the README's variables (the port and data directory are the test's own).
    service = await npmStart(startVariables(startBlock));
  }, 200_000);

  afterAll(() => service?.stop());

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
        env: { ...process.env, API: service.baseUrl },
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
