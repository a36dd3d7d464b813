/**
 * API benchmark: order placement through the real all-in-one app on the local PostgreSQL,
 * against a CRUD reference on the same box in the same run.
 *
 *   npm run bench:api [-- --quick | --smoke]
 *
 * - ours:  the all-in-one app booted exactly as `npm start` boots it (createAllInOneApp, shared
 *          with apps/all-in-one/src/main.ts; EVENT_STORE=postgres on a fresh schema, a random
 *          operator key, logger off), listening on 127.0.0.1. A buyer is created over HTTP, then
 *          autocannon POSTs /v1/compute-orders with the buyer's bearer key and a valid order:
 *          every request is authenticated, validated and durably appended (hash-chained) to
 *          PostgreSQL before its 201. After the run the log must hold at least one order per 201
 *          answered, or the benchmark fails.
 * - the CRUD reference (bench/api/crud-reference): what a NestJS team would write without event
 *          sourcing: NestJS + Fastify + class-validator + TypeORM, the same bearer key checked
 *          by its SHA-256 hash, the same order inserted as a row in PostgreSQL (its own fresh
 *          schema) before the 201. Measured with the same autocannon settings right before ours
 *          and right after ours (the app is closed by then, so its background work cannot slow
 *          the reference); its figure is the mean of the two (cancels drift of the box).
 *
 * Load generation: autocannon runs in a child process (bench/api/load-generator.js, one per
 * run) rather than in this process, so the servers keep their own event loop; on a 2-core box
 * that is roughly one core for the server (+ PostgreSQL) and one for the load generator. Each
 * measured run is preceded by a discarded warm-up run with the same settings.
 *
 * Any non-2xx response or socket error fails the benchmark (printed with sample bodies).
 * Figures go to stdout as `RESULT key=value`; progress goes to stderr.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { createAllInOneApp } from '../../apps/all-in-one/src/all-in-one.app';
import { loadConfig } from '@policloud/config';
import { benchSize, bySize, progress, result } from '../support/bench-io';
import { bootCrudReference, CrudReference } from './crud-reference/crud-reference.app';

const SIZE = benchSize();
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = 16;
const MEASURE_SECONDS = bySize({ full: 30, quick: 8, smoke: 1 });
const WARMUP_SECONDS = bySize({ full: 5, quick: 2, smoke: 1 });
const LOAD_GENERATOR = path.join(__dirname, 'load-generator.js');
const ORDERS_PATH = '/v1/compute-orders';

// ---------------------------------------------------------------- load generation

export interface LoadResult {
  rps: number;
  p99Ms: number;
  p50Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  samples: { status: number; body: string }[];
}

export function runLoad(
  url: string,
  seconds: number,
  headers: Record<string, string>,
  body: string,
  connections = CONNECTIONS,
): Promise<LoadResult> {
  const options = JSON.stringify({ url, connections, durationSeconds: seconds, headers, body });
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [LOAD_GENERATOR, options],
      { maxBuffer: 16 * 1024 * 1024, timeout: (seconds + 30) * 1000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`load generator failed: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as LoadResult);
        } catch (parseError) {
          reject(
            new Error(
              `load generator printed no result: ${(parseError as Error).message}\n${stdout}\n${stderr}`,
            ),
          );
        }
      },
    );
  });
}

/** Counts of responses that were not 2xx (and socket errors) over all runs, with samples. */
const failures: {
  label: string;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  samples: LoadResult['samples'];
}[] = [];

function check(label: string, run: LoadResult): void {
  if (run.non2xx > 0 || run.errors > 0) {
    failures.push({
      label,
      non2xx: run.non2xx,
      errors: run.errors,
      statusCodes: run.statusCodes,
      samples: run.samples,
    });
    progress(
      `${label}: ${run.non2xx} non-2xx, ${run.errors} errors (${run.timeouts} timeouts), status codes ${JSON.stringify(run.statusCodes)}`,
    );
    for (const sample of run.samples) progress(`  ${sample.status} ${sample.body}`);
  }
}

async function measure(
  label: string,
  url: string,
  warmupSeconds: number,
  headers: Record<string, string>,
  body: string,
): Promise<LoadResult & { answered2xx: number }> {
  progress(`${label}: warm-up ${warmupSeconds}s`);
  const warmup = await runLoad(url, warmupSeconds, headers, body);
  check(`${label} warm-up`, warmup);
  progress(`${label}: measuring ${MEASURE_SECONDS}s with ${CONNECTIONS} connections`);
  const run = await runLoad(url, MEASURE_SECONDS, headers, body);
  check(label, run);
  progress(
    `${label}: ${run.rps.toFixed(0)} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, ` +
      `${run.total} responses ${JSON.stringify(run.statusCodes)}`,
  );
  return { ...run, answered2xx: warmup.total - warmup.non2xx + run.total - run.non2xx };
}

/** Orders in the log: each 201 must stand for a durably appended order. */
async function ordersInLog(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM es_events WHERE event_type = 'ComputeOrderPlaced'`,
    );
    return rows[0].count;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- servers

export interface Schema {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh schema and a DATABASE_URL whose connections use it (as test/support does). */
export async function createSchema(): Promise<Schema> {
  const name = `bench_api_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: BASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    },
  };
}

/** The all-in-one app as `npm start` builds it (main.ts), listening on a real port. */
export async function bootApp(
  databaseUrl: string,
  operatorKey: string,
  /** Runs after init, before listen (Fastify hooks can only be added then). */
  beforeListen?: (app: NestFastifyApplication) => void,
): Promise<{ app: NestFastifyApplication; url: string }> {
  const config = loadConfig({
    EVENT_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    OPERATOR_API_KEY: operatorKey,
  });
  const app = await createAllInOneApp(config, { logger: false });
  await app.init();
  beforeListen?.(app);
  return { app, url: await listenLocally(app) };
}

async function listenLocally(app: NestFastifyApplication): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

// ---------------------------------------------------------------- payload

function isoHour(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A valid order: the window starts at the next whole UTC hour + a day and lasts 3 days. */
export function orderBody(): string {
  const hour = 3_600_000;
  const earliestStart = (Math.floor(Date.now() / hour) + 1) * hour + 24 * hour;
  return JSON.stringify({
    gpus: 8,
    hours: 4,
    earliestStart: isoHour(earliestStart),
    deadline: isoHour(earliestStart + 72 * hour),
    gpuModel: 'H100',
    maxPricePerGpuHour: 250,
    currency: 'EUR',
    constraints: { jurisdictions: ['FR'] },
  });
}

export async function createBuyer(appUrl: string, operatorKey: string): Promise<string> {
  const response = await fetch(`${appUrl}/v1/participants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `bench buyer ${randomUUID().slice(0, 6)}`,
      roles: ['buyer'],
      country: 'FR',
    }),
  });
  const body = (await response.json()) as { apiKey?: string };
  if (response.status !== 201 || !body.apiKey) {
    throw new Error(`creating the buyer: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.apiKey;
}

// ---------------------------------------------------------------- main

function requireAll2xxStored(label: string, answered2xx: number, stored: number): void {
  progress(`${label}: ${answered2xx} orders answered 2xx, ${stored} stored`);
  if (stored < answered2xx) {
    failures.push({
      label: `${label}: only ${stored} orders stored for ${answered2xx} answered 2xx`,
      non2xx: 0,
      errors: 0,
      statusCodes: {},
      samples: [],
    });
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  progress(`${SIZE} run: ${CONNECTIONS} connections, ${MEASURE_SECONDS}s per measurement`);
  const schemas: Schema[] = [];
  let app: NestFastifyApplication | undefined;
  let reference: CrudReference | undefined;
  try {
    const ourSchema = await createSchema();
    const referenceSchema = await createSchema();
    schemas.push(ourSchema, referenceSchema);
    progress(`schemas ${ourSchema.name} (ours), ${referenceSchema.name} (CRUD reference)`);
    const body = orderBody();
    progress(`order body ${body}`);

    reference = await bootCrudReference(BASE_URL, referenceSchema.name);
    const referenceUrl = `${await listenLocally(reference.app)}${ORDERS_PATH}`;
    const referenceHeaders = {
      authorization: `Bearer ${reference.buyerKey}`,
      'content-type': 'application/json',
    };
    const referenceBefore = await measure(
      'CRUD reference before',
      referenceUrl,
      WARMUP_SECONDS,
      referenceHeaders,
      body,
    );

    const operatorKey = `op-${randomBytes(16).toString('hex')}`;
    const booted = await bootApp(ourSchema.url, operatorKey);
    app = booted.app;
    progress(`app on ${booted.url}`);
    const buyerKey = await createBuyer(booted.url, operatorKey);
    const headers = { authorization: `Bearer ${buyerKey}`, 'content-type': 'application/json' };
    const ours = await measure(
      'place order',
      `${booted.url}${ORDERS_PATH}`,
      WARMUP_SECONDS,
      headers,
      body,
    );
    requireAll2xxStored('place order', ours.answered2xx, await ordersInLog(ourSchema.url));
    // Closed before the reference runs again: its projections must not compete for the CPU.
    await app.close();
    app = undefined;

    const referenceAfter = await measure(
      'CRUD reference after',
      referenceUrl,
      WARMUP_SECONDS,
      referenceHeaders,
      body,
    );
    requireAll2xxStored(
      'CRUD reference',
      referenceBefore.answered2xx + referenceAfter.answered2xx,
      await reference.ordersStored(),
    );

    const referenceRps = (referenceBefore.rps + referenceAfter.rps) / 2;
    const referenceP99 = (referenceBefore.p99Ms + referenceAfter.p99Ms) / 2;
    result('place_order_rps', Math.round(ours.rps));
    result('place_order_p99_ms', ours.p99Ms, 2);
    result('crud_reference_rps', Math.round(referenceRps));
    result('crud_reference_p99_ms', referenceP99, 2);
    result('ratio_vs_crud_reference', ours.rps / referenceRps, 3);

    if (failures.length > 0) {
      const non2xx = failures.reduce((sum, failure) => sum + failure.non2xx, 0);
      const errors = failures.reduce((sum, failure) => sum + failure.errors, 0);
      progress(
        `FAILED: ${non2xx} non-2xx responses and ${errors} socket errors: ${JSON.stringify(failures)}`,
      );
      return 1;
    }
    return 0;
  } finally {
    await reference?.app.close().catch((error) => progress(`closing the reference: ${error}`));
    await app?.close().catch((error) => progress(`closing the app: ${error}`));
    for (const schema of schemas) {
      await schema.drop().catch((error) => progress(`dropping ${schema.name}: ${error}`));
    }
    progress(`done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  }
}

if (require.main === module) {
  main().then(
    // Everything is closed by now; exit explicitly so a stray timer cannot keep the process up.
    (code) => process.exit(code),
    (error) => {
      progress(`error: ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}
