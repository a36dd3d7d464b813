import { Decider } from '../shared/aggregate';
import { SettlementCommand } from './settlement.commands';
import { decideSettlement } from './settlement.decide';
import { SettlementEvent } from './settlement.events';
import {
  evolveSettlement,
  evolveSettlementAll,
  initialSettlementState,
  SettlementState,
} from './settlement.evolve';

export * from './settlement.commands';
export * from './settlement.decide';
export * from './settlement.events';
export * from './settlement.evolve';
export * from './settlement.parse';
export * from './settlement.queries';

export const settlementDecider: Decider<SettlementState, SettlementCommand, SettlementEvent> = {
  name: 'settlement',
  initialState: initialSettlementState,
  decide: decideSettlement,
  evolve: evolveSettlement,
  evolveAll: evolveSettlementAll,
};

/** No dash in the prefix: the Kafka relay names topics after the stream id up to its first dash. */
export const settlementStreamId = (period: string): string => `settlement-${period}`;
