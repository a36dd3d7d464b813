/**
 * Load generator for bench/api/api.bench.ts, run as its own Node process so autocannon's event
 * loop does not share a thread with the server under test.
 *
 *   node bench/api/load-generator.js '<json options>'
 *
 * Options: { url, connections, durationSeconds, headers, body } — POSTs `body` to `url` over
 * `connections` keep-alive connections for `durationSeconds`. Prints one JSON line on stdout:
 * { rps, p99Ms, p50Ms, total, non2xx, errors, timeouts, statusCodes, samples } where `samples`
 * holds the status and body of the first few non-2xx responses (for diagnosis).
 *
 * Plain CommonJS on purpose: no ts-node start-up cost per run, and autocannon ships no types.
 */
'use strict';

const autocannon = require('autocannon');

const MAX_SAMPLES = 5;

async function main() {
  const options = JSON.parse(process.argv[2]);
  const samples = [];
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        headers: options.headers,
        body: options.body,
        onResponse: (status, body) => {
          if ((status < 200 || status >= 300) && samples.length < MAX_SAMPLES) {
            samples.push({ status, body: String(body).slice(0, 500) });
          }
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats || {}).map(([code, stat]) => [code, stat.count]),
  );
  process.stdout.write(
    JSON.stringify({
      rps: result.requests.total / result.duration,
      p99Ms: result.latency.p99,
      p50Ms: result.latency.p50,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes,
      samples,
    }) + '\n',
  );
}

main().catch((error) => {
  process.stderr.write(`load-generator: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
