/**
 * Properties of settlement on random histories (testing/random-history.ts): balanced to the
 * minor unit per period and currency, no payout below zero, every line within one minor unit of
 * its exact amount, independent of input order, the same when settled twice, and late usage
 * converging, through adjustments, to what settling with all usage on time gives.
 */
import fc from 'fast-check';
import { settlePeriod } from './settlement';
import { compare, parseRational, rational, sub } from './settlement.rational';
import { SettledPool, SettlementInput, SettlementResult, StatementLine } from './settlement.types';
import { RandomHistory, randomHistoryArb, shuffled } from './testing/random-history';

const RUNS = { numRuns: 200 };

function inputOf(history: RandomHistory, overrides: Partial<SettlementInput>): SettlementInput {
  return {
    period: '2026-03',
    platformFeeBps: history.platformFeeBps,
    allocations: history.allocations,
    usage: history.usage,
    sites: history.sites,
    supplies: history.supplies,
    ...overrides,
  };
}

const ONE = rational(1);
const withinOneUnit = (line: StatementLine): boolean => {
  const error = sub(rational(line.amount), parseRational(line.exact));
  return compare(error, ONE) < 0 && compare(error, rational(-1)) > 0;
};

function expectBalanced(result: SettlementResult): void {
  const net = new Map<string, number>();
  for (const statement of result.statements) {
    expect(statement.total).toBe(statement.lines.reduce((sum, line) => sum + line.amount, 0));
    net.set(statement.currency, (net.get(statement.currency) ?? 0) + statement.total);
  }
  for (const [, total] of net) expect(total).toBe(0);
  for (const balance of result.balances) {
    expect(balance.difference).toBe(0);
    expect(balance.charged).toBe(balance.paidOut + balance.platformFee);
  }
}

const PAYOUT_KINDS = ['energy_payment', 'surplus_share', 'heat_revenue', 'platform_fee'];

/** Regular lines: payouts ≥ 0, charges ≤ 0, a share net of the excess it bears ≥ 0. */
function expectNoNegativePayout(result: SettlementResult): void {
  for (const statement of result.statements) {
    const nets = new Map<string, number>();
    for (const line of statement.lines) {
      if (line.kind === 'adjustment') continue;
      if (PAYOUT_KINDS.includes(line.kind)) expect(line.amount).toBeGreaterThanOrEqual(0);
      if (
        line.kind === 'compute_charge' ||
        line.kind === 'heat_purchase' ||
        line.kind === 'excess_energy'
      ) {
        expect(line.amount).toBeLessThanOrEqual(0);
      }
      if (['surplus_share', 'platform_fee', 'excess_energy'].includes(line.kind)) {
        const pool = `${line.poolPeriod}|${line.siteId}|${line.agreementVersion}`;
        nets.set(pool, (nets.get(pool) ?? 0) + line.amount);
      }
    }
    for (const [, net] of nets) expect(net).toBeGreaterThanOrEqual(0);
    if (statement.role !== 'buyer' && statement.role !== 'host') {
      expect(statement.total).toBeGreaterThanOrEqual(0);
    }
  }
}

describe('settlement properties', () => {
  it('balances to the minor unit per period and currency; no payout below zero; every line within one unit of its exact amount', () => {
    fc.assert(
      fc.property(randomHistoryArb, (history) => {
        for (const period of ['2026-02', '2026-03']) {
          const result = settlePeriod(inputOf(history, { period }));
          expectBalanced(result);
          expectNoNegativePayout(result);
          for (const statement of result.statements) {
            for (const line of statement.lines) expect(withinOneUnit(line)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('buyers pay delivered GPU-hours × price and nothing else, whatever the energy did', () => {
    fc.assert(
      fc.property(randomHistoryArb, (history) => {
        const result = settlePeriod(inputOf(history, {}));
        const latest = new Map<string, number>();
        for (const usage of [...history.usage].sort((a, b) => a.position - b.position)) {
          latest.set(usage.allocationId, usage.gpuHoursDelivered);
        }
        const expected = new Map<string, number>();
        for (const allocation of history.allocations) {
          const delivered = latest.get(allocation.allocationId) ?? 0;
          const key = `${allocation.currency}|${allocation.buyerId}`;
          expected.set(key, (expected.get(key) ?? 0) - delivered * allocation.pricePerGpuHour);
        }
        for (const statement of result.statements.filter((s) => s.role === 'buyer')) {
          expect(statement.total).toBe(expected.get(`${statement.currency}|${statement.partyId}`));
        }
        const charged = result.statements
          .filter((s) => s.role === 'buyer')
          .reduce((sum, s) => sum + s.total, 0);
        expect(charged).toBe([...expected.values()].reduce((sum, v) => sum + v, 0));
      }),
      RUNS,
    );
  });

  it('does not depend on the order of its input, and settling twice gives identical statements', () => {
    fc.assert(
      fc.property(randomHistoryArb, fc.nat(), (history, seed) => {
        const early = settlePeriod(inputOf(history, { period: '2026-02' }));
        const input = inputOf(history, { settled: early.settledPools });
        const once = settlePeriod(input);
        expect(settlePeriod(input)).toEqual(once);
        const reordered = settlePeriod({
          ...input,
          allocations: shuffled(history.allocations, seed),
          usage: shuffled(history.usage, seed + 1),
          sites: shuffled(history.sites, seed + 2),
          supplies: shuffled(history.supplies, seed + 3),
          settled: shuffled(early.settledPools, seed + 4).map((pool) => ({
            ...pool,
            members: shuffled(pool.members, seed + 5),
            lines: shuffled(pool.lines, seed + 6),
          })),
        });
        expect(JSON.stringify(reordered)).toBe(JSON.stringify(once));
      }),
      RUNS,
    );
  });

  it('usage re-sent with unchanged figures moves no money', () => {
    fc.assert(
      fc.property(randomHistoryArb, (history) => {
        const march = settlePeriod(inputOf(history, {}));
        const last = Math.max(0, ...history.usage.map((usage) => usage.position));
        const resent = history.usage.map((usage, i) => ({
          ...usage,
          eventId: `${usage.eventId}-again`,
          position: last + 1 + i,
        }));
        const april = settlePeriod(
          inputOf(history, {
            period: '2026-04',
            usage: [...history.usage, ...resent],
            settled: march.settledPools,
          }),
        );
        expect(april.statements).toEqual([]);
      }),
      RUNS,
    );
  });

  it('late usage converges: after the adjustments, each pool has paid within one unit of settling with all usage on time', () => {
    fc.assert(
      fc.property(randomHistoryArb, fc.nat(), (history, cutSeed) => {
        const positions = history.usage.map((usage) => usage.position).sort((a, b) => a - b);
        const cut = positions.length === 0 ? 0 : positions[cutSeed % positions.length];
        const february = settlePeriod(inputOf(history, { period: '2026-02', asOfPosition: cut }));
        const march = settlePeriod(inputOf(history, { settled: february.settledPools }));
        const onTime = settlePeriod(inputOf(history, { period: '2026-02' }));
        expectBalanced(february);
        expectBalanced(march);

        // The latest record of each February pool after March's close.
        const latest = new Map<string, SettledPool>();
        for (const pool of [...february.settledPools, ...march.settledPools]) {
          if (pool.period === '2026-02')
            latest.set(`${pool.siteId}|${pool.agreementVersion}`, pool);
        }
        const exact = new Map<string, string>();
        for (const statement of onTime.statements) {
          for (const line of statement.lines) {
            if (line.kind === 'compute_charge') continue;
            exact.set(
              [
                line.siteId,
                line.agreementVersion,
                statement.role,
                statement.partyId,
                line.kind,
                line.offerId ?? '',
              ].join('|'),
              line.exact,
            );
          }
        }
        const paid = new Map<string, number>();
        for (const pool of latest.values()) {
          const nets = new Map<string, number>();
          for (const line of pool.lines) {
            const [kind, role, partyId, extra] = JSON.parse(line.key) as string[];
            const offerId = extra === undefined ? '' : extra.slice(0, extra.lastIndexOf('@'));
            paid.set(
              [pool.siteId, pool.agreementVersion, role, partyId, kind, offerId].join('|'),
              line.amount,
            );
            if (kind === 'energy_payment' || kind === 'heat_revenue')
              expect(line.amount).toBeGreaterThanOrEqual(0);
            if (kind === 'heat_purchase') expect(line.amount).toBeLessThanOrEqual(0);
            if (kind === 'surplus_share' || kind === 'platform_fee' || kind === 'excess_energy') {
              nets.set(`${role}|${partyId}`, (nets.get(`${role}|${partyId}`) ?? 0) + line.amount);
            }
          }
          for (const [, net] of nets) expect(net).toBeGreaterThanOrEqual(0);
        }
        for (const key of new Set([...exact.keys(), ...paid.keys()])) {
          const error = sub(rational(paid.get(key) ?? 0), parseRational(exact.get(key) ?? '0'));
          expect(compare(error, ONE) < 0 && compare(error, rational(-1)) > 0).toBe(true);
        }

        // Buyers: February's charges plus March's corrections = the on-time charges, exactly.
        const buyerTotals = (results: SettlementResult[]) => {
          const totals = new Map<string, number>();
          for (const result of results) {
            for (const statement of result.statements.filter((s) => s.role === 'buyer')) {
              for (const line of statement.lines.filter((l) => l.poolPeriod === '2026-02')) {
                const key = `${statement.currency}|${statement.partyId}`;
                totals.set(key, (totals.get(key) ?? 0) + line.amount);
              }
            }
          }
          return [...totals.entries()].filter(([, v]) => v !== 0).sort();
        };
        expect(buyerTotals([february, march])).toEqual(buyerTotals([onTime]));
      }),
      RUNS,
    );
  });
});
