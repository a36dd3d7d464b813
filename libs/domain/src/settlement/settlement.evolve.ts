import { CorruptStreamError } from '../shared/aggregate';
import {
  SettlementEvent,
  SettlementPeriodClosed,
  SettlementStatementIssued,
} from './settlement.events';

export type IssuedStatement = SettlementStatementIssued['data'];
export type SettlementSummary = SettlementPeriodClosed['data'];

interface IssuedStatements {
  period: string;
  /** In the order the close issued them. */
  statements: IssuedStatement[];
}

/**
 * `closing` exists only between a close's SettlementStatementIssued events and its
 * SettlementPeriodClosed, which are appended together: a stored stream always ends `closed`.
 */
export type SettlementPeriod =
  | (IssuedStatements & { status: 'closing' })
  | (IssuedStatements & { status: 'closed'; summary: SettlementSummary });

export type SettlementState = { status: 'absent' } | SettlementPeriod;

export const initialSettlementState = (): SettlementState => ({ status: 'absent' });

export function evolveSettlement(state: SettlementState, event: SettlementEvent): SettlementState {
  return evolveSettlementAll(state, [event]);
}

/**
 * The same state as folding `evolveSettlement`, in one pass: a close of many statements would
 * otherwise copy its statement list once per event. Only fresh copies are changed.
 */
export function evolveSettlementAll(
  state: SettlementState,
  events: readonly SettlementEvent[],
): SettlementState {
  if (events.length === 0) return state;
  let draft: SettlementPeriod =
    state.status === 'absent'
      ? { status: 'closing', period: events[0].data.period, statements: [] }
      : { ...state, statements: [...state.statements] };
  const ids = new Set(draft.statements.map((statement) => statement.statementId));
  for (const event of events) {
    if (draft.status === 'closed') {
      throw new CorruptStreamError('settlement', `${event.type} after SettlementPeriodClosed`);
    }
    if (event.data.period !== draft.period) {
      throw new CorruptStreamError(
        'settlement',
        `${event.type} of period ${event.data.period} in period ${draft.period}`,
      );
    }
    switch (event.type) {
      case 'SettlementStatementIssued': {
        const { statementId } = event.data;
        if (ids.has(statementId)) {
          throw new CorruptStreamError('settlement', `statement ${statementId} issued twice`);
        }
        ids.add(statementId);
        draft.statements.push(event.data);
        break;
      }
      case 'SettlementPeriodClosed': {
        const issued = draft.statements.map((statement) => statement.statementId);
        if (JSON.stringify(event.data.statementIds) !== JSON.stringify(issued)) {
          throw new CorruptStreamError(
            'settlement',
            `period ${draft.period} closes statements ${event.data.statementIds.join(', ')}, the stream issued ${issued.join(', ')}`,
          );
        }
        draft = { ...draft, status: 'closed', summary: event.data };
        break;
      }
    }
  }
  return draft;
}
