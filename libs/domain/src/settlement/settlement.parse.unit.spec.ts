import { DeciderSpecification } from '../shared/decider-specification';
import { valueOrThrow } from '../shared/validation';
import { CloseSettlementPeriod } from './settlement.commands';
import { parseCloseSettlementPeriod } from './settlement.parse';
import {
  buyerStatement,
  closeSettlementPeriod,
  hostStatement,
  platformStatement,
  producerStatement,
  settledPool,
  settlementBalance,
  closed,
} from '../testing/examples';
import {
  SettlementBalance,
  SettlementEvent,
  SettlementPeriodClosed,
  settlementDecider,
  SettlementStatementInput,
  SettlementStatementIssued,
} from '.';

const spec = DeciderSpecification.for(settlementDecider);

/**
 * The decider's specification fed what the edge parses: a refused command names its fields as
 * the service's refusal would; a typed one is decided on the given stream.
 */
const edge = {
  given: (events: SettlementEvent[]) => ({
    when: (command: CloseSettlementPeriod) => {
      const parsed = parseCloseSettlementPeriod(command.data);
      return {
        then: (expected: SettlementEvent[]) =>
          spec.given(events).when(valueOrThrow(parsed)).then(expected),
        thenThrows: (code: 'invalid', fields: string[]) => {
          expect(code).toBe('invalid');
          expect(parsed.ok ? [] : parsed.errors.map((error) => error.field).sort()).toEqual(
            [...fields].sort(),
          );
        },
      };
    },
  }),
};

describe('parseCloseSettlementPeriod', () => {
  it('stores the close instant in its canonical form and -0 as 0', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          closedAt: '2026-04-02T06:00:00Z',
          statements: [],
          balances: [settlementBalance({ charged: -0, paidOut: 0, platformFee: 0 })],
          settledPools: [],
        }),
      )
      .then([
        closed({
          statementIds: [],
          balances: [settlementBalance({ charged: 0, paidOut: 0, platformFee: 0 })],
          settledPools: [],
        }),
      ]));

  it('rejects statements that do not balance in a currency', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [buyerStatement(), producerStatement(), hostStatement()],
        }),
      )
      .thenThrows('invalid', ['statements']));

  it('balances each currency on its own', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [
            buyerStatement(),
            producerStatement(),
            hostStatement(),
            platformStatement({ currency: 'CHF' }),
          ],
        }),
      )
      .thenThrows('invalid', ['statements', 'statements']));

  it('rejects a total that is not the sum of its lines', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [
            buyerStatement(),
            producerStatement({ total: 915 }),
            hostStatement(),
            platformStatement({
              lines: [{ ...platformStatement().lines[0], amount: 143 }],
              total: 143,
            }),
          ],
        }),
      )
      .thenThrows('invalid', ['statements[1].total']));

  it('rejects a balance that does not balance', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          balances: [settlementBalance({ difference: 1 })],
        }),
      )
      .thenThrows('invalid', ['balances[0].difference']));

  it('rejects a balance whose difference is not charged - paid out - fee', () =>
    edge
      .given([])
      .when(closeSettlementPeriod({ balances: [settlementBalance({ paidOut: 1_295 })] }))
      .thenThrows('invalid', ['balances[0].difference']));

  it('needs a month, an instant, ids and a position', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          period: '2026-13',
          closedAt: '2026-04-02',
          closedBy: ' operator',
          inputPosition: -1,
        }),
      )
      .thenThrows('invalid', ['period', 'closedAt', 'closedBy', 'inputPosition']));

  it('needs unique statement ids', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [
            buyerStatement(),
            producerStatement(),
            hostStatement(),
            platformStatement({ statementId: 'st-2026-03-buyer-1-EUR' }),
          ],
        }),
      )
      .thenThrows('invalid', ['statements[3].statementId']));

  it('needs known roles, line kinds and units, and exact amounts as fractions', () => {
    const [line] = buyerStatement().lines;
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [
            buyerStatement({
              role: 'auditor' as 'buyer',
              lines: [
                { ...line, kind: 'refund' as 'compute_charge' },
                { ...line, unit: 'kwh' as 'wh', amount: 0, exact: '0.5' },
                { ...line, amount: 1.5 },
              ],
            }),
          ],
          balances: [],
          settledPools: [],
        }),
      )
      .thenThrows('invalid', [
        'statements[0].role',
        'statements[0].lines[0].kind',
        'statements[0].lines[1].unit',
        'statements[0].lines[1].exact',
        'statements[0].lines[2].amount',
      ]);
  });

  it('names the corrected kind on adjustments, and only there', () => {
    const [line] = buyerStatement().lines;
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [
            buyerStatement({
              lines: [
                { ...line, kind: 'adjustment' },
                { ...line, adjusts: 'compute_charge', amount: 0, exact: '0' },
              ],
            }),
          ],
          balances: [],
          settledPools: [],
        }),
      )
      .thenThrows('invalid', ['statements[0].lines[0].adjusts', 'statements[0].lines[1].adjusts']);
  });

  it('rejects unknown fields in statements, lines, balances and pool records', () => {
    const pool = settledPool();
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [
            { ...buyerStatement(), note: 'x' } as SettlementStatementInput,
            producerStatement({
              lines: producerStatement().lines.map((line, i) =>
                i === 0 ? { ...line, vat: 0 } : line,
              ),
            }),
            hostStatement(),
            platformStatement(),
          ],
          balances: [{ ...settlementBalance(), fx: 1 } as SettlementBalance],
          settledPools: [
            {
              ...pool,
              members: [{ ...pool.members[0], capsWh: { 'offer-1': -1 } }],
              lines: [{ ...pool.lines[0], kind: 'adjustment' as 'energy_payment' }],
            },
          ],
        }),
      )
      .thenThrows('invalid', [
        'statements[0].note',
        'statements[1].lines[0].vat',
        'balances[0].fx',
        'settledPools[0].members[0].capsWh.offer-1',
        'settledPools[0].lines[0].kind',
      ]);
  });

  it('keeps statements, balances and pool records to the period closed', () =>
    edge
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [
            buyerStatement(),
            producerStatement(),
            hostStatement({
              lines: [{ ...hostStatement().lines[0], poolPeriod: '2026-04' }],
            }),
            platformStatement({ period: '2026-02' }),
          ],
          balances: [settlementBalance({ period: '2026-02' })],
          settledPools: [settledPool({ settledIn: '2026-02' }), settledPool({ period: '2026-04' })],
        }),
      )
      .thenThrows('invalid', [
        'statements[2].lines[0].poolPeriod',
        'statements[3].period',
        'balances[0].period',
        'settledPools[0].settledIn',
        'settledPools[1].period',
      ]));

  it('keeps the optional fields the settlement library sets, and only those', () => {
    const adjustment = {
      kind: 'adjustment' as const,
      adjusts: 'energy_payment' as const,
      poolPeriod: '2026-03',
      siteId: 'site-1',
      agreementVersion: 1,
      allocationIds: ['alloc-1'],
      usageEventIds: ['evt-1', 'evt-2'],
      offerId: 'offer-1',
      quantity: -600,
      unit: 'wh' as const,
      unitPrice: 4_000,
      amount: -2,
      exact: '-12/5',
      description: 'Adjustment for pool site-1 v1 2026-03 (previously settled 0.22)',
    };
    const pool = settledPool({
      settledIn: '2026-04',
      members: [{ ...settledPool().members[0], capsWh: { 'offer-1': 5_000 } }],
    });
    const events = settlementDecider.decide(
      closeSettlementPeriod({
        period: '2026-04',
        statements: [
          producerStatement({ period: '2026-04', lines: [adjustment], total: -2 }),
          hostStatement({
            period: '2026-04',
            lines: [{ ...adjustment, adjusts: 'surplus_share', amount: 2, exact: '12/5' }],
            total: 2,
          }),
        ],
        balances: [],
        settledPools: [pool],
      }),
      settlementDecider.initialState(),
    );
    expect((events[0] as SettlementStatementIssued).data.lines).toEqual([adjustment]);
    expect((events[2] as SettlementPeriodClosed).data.settledPools).toEqual([pool]);
    expect(Object.keys((events[1] as SettlementStatementIssued).data.lines[0])).toEqual(
      Object.keys(adjustment),
    );
  });
});
