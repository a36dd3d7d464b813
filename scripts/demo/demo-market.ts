/**
 * The demo's market, played and left running: boots the all-in-one app as `npm start` builds it
 * (the embedded store in a fresh temporary directory, the demo's clock as CLOCK), registers the
 * demo's participants, sites, offers and orders, runs matching over the week, lets the week
 * happen and closes its months, then seals a checkpoint and registers an auditor.
 * `npm run demo:console` starts from here; `seedDemoMarket` plays the same market on any running
 * service (the web console's browser test runs it against `npm start` with `CLOCK=sandbox`).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@policloud/runtime';
import { ApiClient, Caller } from './api-client';
import { bootDemoApp } from './demo-app';
import { matchAndRead, MarketOutcome, populateMarket } from './scenario';
import { buildSeed, MarketSeed } from './seed';
import { SettableClock, SettlementOutcome, simulateAndSettle } from './settlement';

const HOUR_MS = 3_600_000;
export const DEMO_AUDITOR_ID = 'demo-auditor';

export interface DemoMarket {
  baseUrl: string;
  seed: MarketSeed;
  outcome: MarketOutcome;
  settlement: SettlementOutcome;
  operatorKey: string;
  auditorKey: string;
  /** Participant id → its API key. */
  keys: Map<string, string>;
  close(): Promise<void>;
}

export async function startDemoMarket(
  options: { port?: number; host?: string } = {},
): Promise<DemoMarket> {
  const dataDir = mkdtempSync(join(tmpdir(), 'policloud-demo-'));
  const operatorKey = randomBytes(32).toString('base64url');
  const clock = new ManualClock(new Date());
  const { app, baseUrl } = await bootDemoApp(dataDir, operatorKey, clock, options);
  const close = async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const market = await seedDemoMarket(baseUrl, operatorKey, () => clock);
    return { ...market, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Plays the demo's market on a running service at `baseUrl`, through its public API only, as
 * `operatorKey`: participants, sites, offers and orders, a matching run over the week, the week's
 * usage as the clock (`clockOf` the operator's caller) moves past each hour, the months closed,
 * a checkpoint sealed and an auditor registered.
 */
export async function seedDemoMarket(
  baseUrl: string,
  operatorKey: string,
  clockOf: (operator: Caller) => SettableClock,
): Promise<Omit<DemoMarket, 'close'>> {
  const api = new ApiClient(baseUrl);
  const operator = api.as(operatorKey);

  // As the demo: the week starts at the next whole UTC hour + 1 h.
  const nextHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS;
  const today = Math.floor(Date.now() / (24 * HOUR_MS)) * 24 * HOUR_MS;
  const seed = buildSeed(new Date(nextHour + HOUR_MS), new Date(today));
  const { orderRefs, keys } = await populateMarket(api, operator, seed);
  const outcome = await matchAndRead(operator, seed, orderRefs);
  const clock = clockOf(operator);
  const settlement = await simulateAndSettle(api, operator, keys, clock, seed, outcome);

  const auditor = await operator.post<{ id: string; apiKey: string }>(
    '/v1/participants',
    {
      id: DEMO_AUDITOR_ID,
      name: 'Demo auditor',
      roles: ['auditor'],
      country: 'FR',
      legalEntity: 'Certification body',
    },
    `demo:participant:${DEMO_AUDITOR_ID}`,
  );
  await operator.post('/v1/audit/checkpoints', {});
  return { baseUrl, seed, outcome, settlement, operatorKey, auditorKey: auditor.apiKey, keys };
}
