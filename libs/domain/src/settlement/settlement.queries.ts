import { IssuedStatement, SettlementState, SettlementSummary } from './settlement.evolve';

/** The period's statements in the order the close issued them; none before it is closed. */
export function statementsOf(state: SettlementState): IssuedStatement[] {
  return state.status === 'absent' ? [] : state.statements;
}

/** The close's summary (balances, pool records), or undefined while the period is open. */
export function settlementSummaryOf(state: SettlementState): SettlementSummary | undefined {
  return state.status === 'closed' ? state.summary : undefined;
}
