import { rehydrate } from '../events.registry';
import { CorruptStreamError } from '../shared/aggregate';
import { DeciderSpecification } from '../shared/decider-specification';
import {
  buyerStatement,
  closeSettlementPeriod,
  hostStatement,
  platformStatement,
  producerStatement,
  settledPool,
  settlementBalance,
} from '../testing/examples';
import {
  SettlementBalance,
  SettlementEvent,
  SettlementPeriodClosed,
  settlementDecider,
  SettlementStatementInput,
  SettlementStatementIssued,
  settlementStreamId,
  settlementSummaryOf,
  statementsOf,
} from '.';

const spec = DeciderSpecification.for(settlementDecider);

const issued = (statement: SettlementStatementInput): SettlementStatementIssued => {
  const { statementId, partyId, role, currency, lines, total } = statement;
  return {
    type: 'SettlementStatementIssued',
    schemaVersion: 1,
    data: {
      period: '2026-03',
      statementId,
      closedAt: '2026-04-02T06:00:00.000Z',
      inputPosition: 1_234,
      partyId,
      role,
      currency,
      lines,
      total,
    },
  };
};

const closed = (
  overrides: Partial<SettlementPeriodClosed['data']> = {},
): SettlementPeriodClosed => ({
  type: 'SettlementPeriodClosed',
  schemaVersion: 1,
  data: {
    period: '2026-03',
    closedAt: '2026-04-02T06:00:00.000Z',
    closedBy: 'operator-1',
    inputPosition: 1_234,
    statementIds: [
      'st-2026-03-buyer-1-EUR',
      'st-2026-03-producer-1-EUR',
      'st-2026-03-host-1-EUR',
      'st-2026-03-platform-EUR',
    ],
    balances: [settlementBalance()],
    settledPools: [settledPool()],
    ...overrides,
  },
});

const recorded: SettlementEvent[] = [
  issued(buyerStatement()),
  issued(producerStatement()),
  issued(hostStatement()),
  issued(platformStatement()),
  closed(),
];

describe('CloseSettlementPeriod', () => {
  it('issues one statement per party and currency, in order, then closes the period', () =>
    spec.given([]).when(closeSettlementPeriod()).then(recorded));

  it('closes a period with nothing to settle', () =>
    spec
      .given([])
      .when(closeSettlementPeriod({ statements: [], balances: [], settledPools: [] }))
      .then([closed({ statementIds: [], balances: [], settledPools: [] })]));

  it('stores the close instant in its canonical form and -0 as 0', () =>
    spec
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

  it('records nothing when the period is already closed', () =>
    spec.given(recorded).when(closeSettlementPeriod()).thenNothingHappens());

  it('records nothing for a closed period whatever the command says', () =>
    spec
      .given(recorded)
      .when(closeSettlementPeriod({ statements: [buyerStatement()] }))
      .thenNothingHappens());

  it('rejects statements that do not balance in a currency', () =>
    spec
      .given([])
      .when(
        closeSettlementPeriod({
          statements: [buyerStatement(), producerStatement(), hostStatement()],
        }),
      )
      .thenThrows('invalid', ['statements']));

  it('balances each currency on its own', () =>
    spec
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
    spec
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
    spec
      .given([])
      .when(
        closeSettlementPeriod({
          balances: [settlementBalance({ difference: 1 })],
        }),
      )
      .thenThrows('invalid', ['balances[0].difference']));

  it('rejects a balance whose difference is not charged - paid out - fee', () =>
    spec
      .given([])
      .when(closeSettlementPeriod({ balances: [settlementBalance({ paidOut: 1_295 })] }))
      .thenThrows('invalid', ['balances[0].difference']));

  it('needs a month, an instant, ids and a position', () =>
    spec
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
    spec
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
    spec
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
    spec
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
    spec
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
    spec
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

describe('settlement state', () => {
  it('keeps the statements in order and the summary of the close', () => {
    const state = rehydrate(settlementDecider, recorded);
    expect(state.status).toBe('closed');
    expect(statementsOf(state).map((s) => s.statementId)).toEqual(closed().data.statementIds);
    expect(settlementSummaryOf(state)).toEqual(closed().data);
  });

  it('is absent with no events', () => {
    const state = rehydrate(settlementDecider, []);
    expect(statementsOf(state)).toEqual([]);
    expect(settlementSummaryOf(state)).toBeUndefined();
  });

  it('folds one event at a time to the same state', () => {
    const state = recorded.reduce(settlementDecider.evolve, settlementDecider.initialState());
    expect(state).toEqual(rehydrate(settlementDecider, recorded));
  });

  it('rejects a stream that is not one close of one period', () => {
    const fail = (events: SettlementEvent[]) =>
      expect(() => rehydrate(settlementDecider, events)).toThrow(CorruptStreamError);
    fail([...recorded, issued(buyerStatement())]);
    fail([issued(buyerStatement()), issued(buyerStatement())]);
    fail([issued(buyerStatement()), closed()]);
    fail([issued(buyerStatement()), closed({ period: '2026-04', statementIds: [] })]);
    expect(() =>
      settlementDecider.decide(
        closeSettlementPeriod(),
        rehydrate(settlementDecider, [issued(buyerStatement())]),
      ),
    ).toThrow(CorruptStreamError);
  });

  it('names its stream after the period', () =>
    expect(settlementStreamId('2026-03')).toBe('settlement-2026-03'));
});
