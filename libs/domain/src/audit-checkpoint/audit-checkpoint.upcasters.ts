import { Upcaster } from '../shared/upcasters';
import { AuditCheckpointSealed } from './audit-checkpoint.events';

/**
 * v1 checkpoints predate the whole-log tree: they stay as sealed (no tree size, no note) and are
 * verified by their range root and signature alone — the versioned verifier, never a rewrite.
 */
export const auditCheckpointSealedV1ToV2: Upcaster = {
  type: 'AuditCheckpointSealed',
  fromVersion: 1,
  upcast: (data): AuditCheckpointSealed['data'] => data as AuditCheckpointSealed['data'],
};

export const AUDIT_CHECKPOINT_UPCASTERS: readonly Upcaster[] = [auditCheckpointSealedV1ToV2];
