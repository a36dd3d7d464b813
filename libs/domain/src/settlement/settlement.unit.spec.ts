import { rehydrate, upcastEvent } from '../events.registry';
import { CorruptStreamError } from '../shared/aggregate';
import { DeciderSpecification } from '../shared/decider-specification';
import {
  buyerStatement,
  closeSettlementPeriod,
  hostStatement,
  platformStatement,
  producerStatement,
  closed,
} from '../testing/examples';
import {
  SettlementEvent,
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
    schemaVersion: 2,
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

  it('records nothing when the period is already closed', () =>
    spec.given(recorded).when(closeSettlementPeriod()).thenNothingHappens());

  it('records a buyer statement with its energy figures beside the money', () => {
    const energy = {
      gpuHours: 8,
      meteredWh: 6_100,
      certifiedWh: 6_100,
      cfeWh: 6_100,
      cfeShareBps: 10_000,
      co2eGrams: 73,
      gCo2ePerGpuHour: '9.150',
    };
    const [first] = settlementDecider.decide(
      closeSettlementPeriod({ statements: [{ ...buyerStatement(), energy }] }),
      settlementDecider.initialState(),
    );
    expect(first).toEqual({
      ...issued(buyerStatement()),
      data: { ...issued(buyerStatement()).data, energy },
    });
  });

  it('reads a statement of v1, recorded before the energy figures, as one without them', () => {
    const v1 = { ...issued(buyerStatement()), schemaVersion: 1 };
    expect(upcastEvent(v1)).toEqual(issued(buyerStatement()));
  });

  it('records nothing for a closed period whatever the command says', () =>
    spec
      .given(recorded)
      .when(closeSettlementPeriod({ statements: [buyerStatement()] }))
      .thenNothingHappens());
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
