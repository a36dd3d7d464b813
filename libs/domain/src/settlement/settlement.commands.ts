import { Command } from '../shared/event';
import { SettlementBalance, SettlementPoolRecord, SettlementStatement } from './settlement.events';

/** A statement as the settlement library returns it, with the id the caller gives it. */
export type SettlementStatementInput = SettlementStatement & { statementId: string };

/**
 * Records the result of the settlement library for one period (`statements`, `balances`,
 * `settledPools` as it returned them), read at `inputPosition`; validated by decide.
 */
export type CloseSettlementPeriod = Command<
  'CloseSettlementPeriod',
  {
    /** `YYYY-MM`. */
    period: string;
    closedAt: string;
    closedBy: string;
    inputPosition: number;
    statements: SettlementStatementInput[];
    balances: SettlementBalance[];
    settledPools: SettlementPoolRecord[];
  }
>;

export type SettlementCommand = CloseSettlementPeriod;
