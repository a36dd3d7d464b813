/**
 * `npm run demo`: boots the all-in-one app on the embedded store in a fresh temporary directory,
 * with a clock the demo moves (a ManualClock as the CLOCK provider, started at the real time),
 * plays a week of the marketplace through the public HTTP API (participants, sites, agreements,
 * energy offers, orders, a matching run), lets the week happen (site meters report usage slot by
 * slot, a producer reports a curtailment), closes the months it touches and prints a report that
 * ends with every party's settlement statements. Exits 1 if an FR-only order ran outside France,
 * any allocation breaks its order's constraints, or any period's statements do not balance.
 * Before the run it asks quotes; after it, it prints the published clearing prices (with the
 * most contested site-hour above its reserve), the depth of a contested slot and why each
 * unfilled order was left out.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ManualClock } from '@policloud/runtime';
import { ApiClient } from './api-client';
import { bootDemoApp } from './demo-app';
import { checkAllocations, proveFrOnly } from './checks';
import { askQuotes, readMarketData, renderMarketData } from './market-data';
import { renderReport } from './report';
import { matchAndRead, populateMarket } from './scenario';
import { buildSeed } from './seed';
import { simulateAndSettle } from './settlement';
import { renderSettlement } from './settlement-report';

const HOUR_MS = 3_600_000;

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'policloud-demo-'));
  const operatorKey = randomBytes(32).toString('base64url');
  let app: NestFastifyApplication | undefined;
  try {
    const started = Date.now();
    const clock = new ManualClock(new Date());
    const server = await bootDemoApp(dataDir, operatorKey, clock);
    app = server.app;
    const api = new ApiClient(server.baseUrl);
    const booted = Date.now();

    // The week starts at the next whole UTC hour + 1 h, so every slot is still in the future.
    const nextHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS;
    const today = Math.floor(Date.now() / (24 * HOUR_MS)) * 24 * HOUR_MS;
    const seed = buildSeed(new Date(nextHour + HOUR_MS), new Date(today));
    const operator = api.as(operatorKey);
    const { orderRefs, keys } = await populateMarket(api, operator, seed);
    const seeded = Date.now();

    const quotes = await askQuotes(api, keys, seed);
    const outcome = await matchAndRead(operator, seed, orderRefs);
    const marketData = await readMarketData(api, keys, seed, outcome);
    const proof = await proveFrOnly(outcome);
    const violations = checkAllocations(outcome);
    const matched = Date.now();

    const settlement = await simulateAndSettle(api, operator, keys, clock, seed, outcome);
    const settled = Date.now();
    const statements = renderSettlement(outcome, settlement);

    console.log(
      renderReport(seed, outcome, proof, violations, {
        bootMs: booted - started,
        seedMs: seeded - booted,
        matchMs: matched - seeded,
        settleMs: settled - matched,
        requests: api.requests,
      }),
    );
    const market = renderMarketData(outcome, quotes, marketData);
    console.log(market.text);
    console.log(statements.text);
    return proof.violations.length === 0 && violations.length === 0 && statements.ok ? 0 : 1;
  } finally {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Demo failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
