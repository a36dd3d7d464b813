/** Small builders for settlement specs: one site, a host, producers, buyers, whole figures. */
import type { Agreement } from '@policloud/domain';
import {
  MeteredUsage,
  SettlementAllocation,
  SettlementResult,
  SettlementSite,
  Statement,
  StatementLine,
} from '../settlement.types';

export const SITE = 'site-1';
export const HOST = 'host-h';
export const P1 = 'prod-p1';
export const P2 = 'prod-p2';
export const B1 = 'buyer-b1';
export const B2 = 'buyer-b2';

export function agreement(overrides: Partial<Agreement> = {}): Agreement {
  return {
    version: 1,
    effectiveFrom: '2026-01-01T00:00:00Z',
    hostParticipantId: HOST,
    producers: [{ participantId: P1 }, { participantId: P2 }],
    producersShareBps: 6_000,
    hostShareBps: 4_000,
    ...overrides,
  };
}

export function site(agreements: Agreement[] = [agreement()], siteId = SITE): SettlementSite {
  return { siteId, agreements };
}

/** 10 GPUs at 2.50 EUR per GPU-hour, e = 700 Wh, 7000 Wh of offer o1 (prod-p1, 50 EUR/MWh). */
export function allocation(
  allocationId: string,
  overrides: Partial<SettlementAllocation> = {},
): SettlementAllocation {
  return {
    allocationId,
    orderId: `order-${allocationId}`,
    buyerId: B1,
    siteId: SITE,
    slot: '2026-03-01T10:00:00Z',
    gpus: 10,
    pricePerGpuHour: 250,
    currency: 'EUR',
    energyPerGpuHourWh: 700,
    energy: [{ offerId: 'o1', producerId: P1, wh: 7_000, floorPricePerMwh: 5_000 }],
    ...overrides,
  };
}

export function usage(
  allocationId: string,
  eventId: string,
  position: number,
  gpuHoursDelivered: number,
  whConsumed: number,
  heatWhRecovered = 0,
): MeteredUsage {
  return { eventId, position, allocationId, gpuHoursDelivered, whConsumed, heatWhRecovered };
}

export function statementOf(
  result: SettlementResult,
  role: Statement['role'],
  partyId: string,
): Statement {
  const statement = result.statements.find((s) => s.role === role && s.partyId === partyId);
  if (!statement) throw new Error(`No ${role} statement for ${partyId}`);
  return statement;
}

/** `[kind (or adjustment:kind), amount]` of a statement's lines, in order. */
export function amounts(statement: Statement): [string, number][] {
  return statement.lines.map((line: StatementLine) => [
    line.adjusts ? `adjustment:${line.adjusts}` : line.kind,
    line.amount,
  ]);
}

/** Σ line amounts of every statement of one currency (0 when balanced). */
export function netOf(result: SettlementResult, currency = 'EUR'): number {
  return result.statements
    .filter((statement) => statement.currency === currency)
    .reduce((sum, statement) => sum + statement.total, 0);
}
