/**
 * `npm run bench:smoke`: every benchmark of package.json (`bench:*`) at its smallest size
 * (`--smoke`), two at a time (one per core), so that none rots unnoticed. Fails (exit 1) when a bench
 * exits non-zero, prints no `RESULT key=value` line, or runs past its time limit. Proves only
 * that each bench runs end to end; its figures at this size mean nothing.
 *
 * Plain ES module on purpose: no ts-node start-up on top of the benches' own.
 * Needs what the benches need: PostgreSQL at DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test); each bench works in a fresh schema.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Per bench: far above its smoke run time, so only a hang or a crawl trips it. */
const TIME_LIMIT_MS = 120_000;
/** The budget of the whole run on a 2-core machine. */
const TOTAL_BUDGET_S = 90;

const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts)
  .filter((name) => name.startsWith('bench:') && name !== 'bench:smoke')
  .sort();

function run(script) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('npm', ['run', '--silent', script, '--', '--smoke'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a time-out stops the bench and its children
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, TIME_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const results = stdout.split('\n').filter((line) => /^RESULT \S+=\S+/.test(line));
      const seconds = (performance.now() - started) / 1000;
      const failure = timedOut
        ? `ran past ${TIME_LIMIT_MS / 1000} s`
        : code !== 0
          ? `exited with ${code}`
          : results.length === 0
            ? 'printed no RESULT line'
            : undefined;
      resolve({ script, seconds, results, failure, output: `${stdout}${stderr}` });
    });
  });
}

/** Benches at once: their figures mean nothing at this size, so they may share the cores. */
const PARALLEL = 2;

const started = performance.now();
const failures = [];
const queue = [...scripts];
async function worker() {
  for (let script = queue.shift(); script; script = queue.shift()) report(await run(script));
}
function report(outcome) {
  // Not TAP's or go test's "ok"/"FAIL" line openings: CI would read those as a test runner's.
  const seconds = outcome.seconds.toFixed(1);
  process.stdout.write(
    outcome.failure
      ? `${outcome.script} broke after ${seconds} s: ${outcome.failure}\n`
      : `${outcome.script} ran in ${seconds} s: ${outcome.results.length} RESULT lines\n`,
  );
  if (outcome.failure) {
    failures.push(outcome.script);
    process.stdout.write(outcome.output.split('\n').slice(-30).join('\n') + '\n');
  }
}
await Promise.all(Array.from({ length: PARALLEL }, worker));
const total = (performance.now() - started) / 1000;
process.stdout.write(
  `${scripts.length} benches in ${total.toFixed(1)} s (budget ${TOTAL_BUDGET_S} s)` +
    `${failures.length ? `; failed: ${failures.join(', ')}` : ''}\n`,
);
process.exit(failures.length ? 1 : 0);
