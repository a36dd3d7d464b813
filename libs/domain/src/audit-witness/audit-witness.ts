import { Decider } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import { AuditWitnessCommand } from './audit-witness.commands';
import { AuditWitnessEvent } from './audit-witness.events';

/** Every witness and cosignature in one stream: few events, read whole by the audit API. */
export const AUDIT_WITNESS_STREAM = 'auditwitness-registry';

export interface WitnessState {
  verifierKey: string;
  /** The largest tree size it cosigned (0 before the first). */
  lastTreeSize: number;
}

export interface AuditWitnessState {
  witnesses: Record<string, WitnessState>;
}

export const initialAuditWitnessState = (): AuditWitnessState => ({ witnesses: {} });

/**
 * A witness name is registered once. A registered witness cosigns each tree size at most once
 * and never an older tree than one it already cosigned: a witness only moves forward.
 */
export function decideAuditWitness(
  command: AuditWitnessCommand,
  state: AuditWitnessState,
): AuditWitnessEvent[] {
  if (command.type === 'RegisterWitness') {
    const existing = state.witnesses[command.data.name];
    if (existing) {
      throw DomainError.conflict(`Witness ${command.data.name} is already registered`);
    }
    return [{ type: 'AuditWitnessRegistered', schemaVersion: 1, data: command.data }];
  }
  const witness = state.witnesses[command.data.witness];
  if (!witness) {
    throw DomainError.invalid([
      { field: 'cosignature', message: `witness ${command.data.witness} is not registered` },
    ]);
  }
  if (command.data.treeSize <= witness.lastTreeSize) {
    throw DomainError.conflict(
      `Witness ${command.data.witness} already cosigned tree size ${witness.lastTreeSize}; ` +
        `it cannot cosign tree size ${command.data.treeSize}`,
    );
  }
  return [{ type: 'CheckpointCosigned', schemaVersion: 1, data: command.data }];
}

export function evolveAuditWitness(
  state: AuditWitnessState,
  event: AuditWitnessEvent,
): AuditWitnessState {
  if (event.type === 'AuditWitnessRegistered') {
    return {
      witnesses: {
        ...state.witnesses,
        [event.data.name]: { verifierKey: event.data.verifierKey, lastTreeSize: 0 },
      },
    };
  }
  const witness = state.witnesses[event.data.witness];
  return {
    witnesses: {
      ...state.witnesses,
      [event.data.witness]: { ...witness, lastTreeSize: event.data.treeSize },
    },
  };
}

export const auditWitnessDecider: Decider<
  AuditWitnessState,
  AuditWitnessCommand,
  AuditWitnessEvent
> = {
  name: 'audit-witness',
  initialState: initialAuditWitnessState,
  decide: decideAuditWitness,
  evolve: evolveAuditWitness,
};
