import { Upcaster } from '../shared/upcasters';
import { SettlementStatementIssued, SettlementStatementIssuedV1 } from './settlement.events';

/** v1 statements predate the energy figures: they read as v2 statements without them. */
export const settlementStatementIssuedV1ToV2: Upcaster = {
  type: 'SettlementStatementIssued',
  fromVersion: 1,
  upcast: (data): SettlementStatementIssued['data'] => ({
    ...(data as SettlementStatementIssuedV1['data']),
  }),
};

export const SETTLEMENT_UPCASTERS: readonly Upcaster[] = [settlementStatementIssuedV1ToV2];
