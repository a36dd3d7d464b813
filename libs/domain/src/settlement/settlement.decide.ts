import { CorruptStreamError } from '../shared/aggregate';
import { CloseSettlementPeriod, SettlementCommand } from './settlement.commands';
import {
  SettlementEvent,
  SettlementPeriodClosed,
  SettlementStatementIssued,
} from './settlement.events';
import { SettlementState } from './settlement.evolve';

export function decideSettlement(
  command: SettlementCommand,
  state: SettlementState,
): SettlementEvent[] {
  switch (command.type) {
    case 'CloseSettlementPeriod':
      return closeSettlementPeriod(command.data, state);
  }
}

/**
 * A period is closed once, whole: one statement per party and currency, then the close. Closing
 * it again records nothing (the caller returns the recorded statements). The record arrives
 * consistent (parseCloseSettlementPeriod: each total the sum of its lines, each currency
 * balanced).
 */
function closeSettlementPeriod(
  input: CloseSettlementPeriod['data'],
  state: SettlementState,
): SettlementEvent[] {
  if (state.status === 'closed') return [];
  if (state.status === 'closing') {
    throw new CorruptStreamError(
      'settlement',
      `period ${state.period} has no SettlementPeriodClosed`,
    );
  }
  const { period, closedAt, inputPosition, statements } = input;

  const closed: SettlementPeriodClosed = {
    type: 'SettlementPeriodClosed',
    schemaVersion: 1,
    data: {
      period,
      closedAt,
      closedBy: input.closedBy,
      inputPosition,
      statementIds: statements.map((statement) => statement.statementId),
      balances: input.balances,
      settledPools: input.settledPools,
    },
  };
  return [
    ...statements.map((statement): SettlementStatementIssued => ({
      type: 'SettlementStatementIssued',
      schemaVersion: 2,
      data: {
        period,
        statementId: statement.statementId,
        closedAt,
        inputPosition,
        partyId: statement.partyId,
        role: statement.role,
        currency: statement.currency,
        lines: statement.lines,
        total: statement.total,
        ...(statement.energy ? { energy: statement.energy } : {}),
      },
    })),
    closed,
  ];
}
