import { Command } from '../shared/event';
import { SealedCheckpoint, SigningKeyRotated } from './audit-checkpoint.events';

/** Record a checkpoint libs/audit sealed and signed. */
export type SealCheckpoint = Command<'SealCheckpoint', { checkpoint: SealedCheckpoint }>;

/** Record a key rotation libs/audit signed with both keys. */
export type RotateSigningKey = Command<'RotateSigningKey', { rotation: SigningKeyRotated }>;

export type AuditCheckpointCommand = SealCheckpoint | RotateSigningKey;
