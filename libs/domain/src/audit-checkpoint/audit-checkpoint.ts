import { Decider } from '../shared/aggregate';
import { DomainError } from '../shared/domain-error';
import { AuditCheckpointCommand } from './audit-checkpoint.commands';
import { AuditCheckpointEvent } from './audit-checkpoint.events';

/** One stream holds every checkpoint in sequence: its expected revision keeps them in order. */
export const AUDIT_CHECKPOINT_STREAM = 'auditcheckpoint-log';

/** Where the last checkpoint ended: the next one starts there. */
export interface AuditCheckpointState {
  sequence: number;
  toPosition: number;
  /** The key checkpoints are signed with: the last checkpoint's, or the last rotation's. */
  keyId?: string;
}

export const initialAuditCheckpointState = (): AuditCheckpointState => ({
  sequence: 0,
  toPosition: 0,
});

/**
 * Checkpoints chain without gaps: each is the next in sequence, starts where the previous one
 * ended and covers at least one event. (Its hashes and signature are libs/audit's to verify.)
 */
export function decideAuditCheckpoint(
  command: AuditCheckpointCommand,
  state: AuditCheckpointState,
): AuditCheckpointEvent[] {
  if (command.type === 'RotateSigningKey') {
    const { rotation } = command.data;
    if (state.keyId !== undefined && rotation.previousKeyId !== state.keyId) {
      throw DomainError.conflict(
        `The rotation starts from key ${rotation.previousKeyId}, but the log is signed with key ${state.keyId}`,
      );
    }
    if (rotation.keyId === rotation.previousKeyId) {
      throw DomainError.invalid([{ field: 'keyId', message: 'a rotation needs a new key' }]);
    }
    return [{ type: 'AuditSigningKeyRotated', schemaVersion: 1, data: rotation }];
  }
  const { checkpoint } = command.data;
  if (state.keyId !== undefined && checkpoint.keyId !== state.keyId) {
    throw DomainError.conflict(
      `Checkpoint ${checkpoint.sequence} is signed with key ${checkpoint.keyId}, but the log is signed with key ${state.keyId}: rotate the key first`,
    );
  }
  if (checkpoint.sequence !== state.sequence + 1) {
    throw DomainError.conflict(
      `Checkpoint ${checkpoint.sequence} does not follow checkpoint ${state.sequence}`,
    );
  }
  if (checkpoint.fromPosition !== state.toPosition) {
    throw DomainError.conflict(
      `Checkpoint ${checkpoint.sequence} starts after ${checkpoint.fromPosition}, ` +
        `not where checkpoint ${state.sequence} ended (${state.toPosition})`,
    );
  }
  if (checkpoint.toPosition <= checkpoint.fromPosition) {
    throw DomainError.invalid([
      { field: 'toPosition', message: `must be after fromPosition ${checkpoint.fromPosition}` },
    ]);
  }
  if ((checkpoint.treeSize === undefined) !== (checkpoint.note === undefined)) {
    throw DomainError.invalid([
      { field: 'note', message: 'a checkpoint carries both a tree size and its note, or neither' },
    ]);
  }
  return [{ type: 'AuditCheckpointSealed', schemaVersion: 2, data: checkpoint }];
}

export function evolveAuditCheckpoint(
  state: AuditCheckpointState,
  event: AuditCheckpointEvent,
): AuditCheckpointState {
  if (event.type === 'AuditSigningKeyRotated') return { ...state, keyId: event.data.keyId };
  return {
    sequence: event.data.sequence,
    toPosition: event.data.toPosition,
    keyId: event.data.keyId,
  };
}

export const auditCheckpointDecider: Decider<
  AuditCheckpointState,
  AuditCheckpointCommand,
  AuditCheckpointEvent
> = {
  name: 'audit-checkpoint',
  initialState: initialAuditCheckpointState,
  decide: decideAuditCheckpoint,
  evolve: evolveAuditCheckpoint,
};
