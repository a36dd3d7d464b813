import { Command } from '../shared/event';
import { SealedCheckpoint } from './audit-checkpoint.events';

/** Record a checkpoint libs/audit sealed and signed. */
export type SealCheckpoint = Command<'SealCheckpoint', { checkpoint: SealedCheckpoint }>;

export type AuditCheckpointCommand = SealCheckpoint;
