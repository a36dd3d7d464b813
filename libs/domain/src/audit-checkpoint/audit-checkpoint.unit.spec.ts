import { DeciderSpecification } from '../shared/decider-specification';
import { auditCheckpointDecider } from './audit-checkpoint';
import { AuditCheckpointSealed, SealedCheckpoint } from './audit-checkpoint.events';

const spec = DeciderSpecification.for(auditCheckpointDecider);
const checkpoint = (overrides: Partial<SealedCheckpoint> = {}): SealedCheckpoint => ({
  sequence: 1,
  fromPosition: 0,
  toPosition: 10,
  eventCount: 10,
  merkleRoot: 'ab'.repeat(32),
  previousCheckpointHash: '0'.repeat(64),
  sealedAt: '2026-03-01T10:00:00.000Z',
  keyId: 'k1',
  signature: 'c2ln',
  ...overrides,
});
const sealed = (data: SealedCheckpoint): AuditCheckpointSealed => ({
  type: 'AuditCheckpointSealed',
  schemaVersion: 2,
  data,
});
const rotation = (previousKeyId: string, keyId: string) => ({
  previousKeyId,
  previousPublicKey: 'pem-1',
  keyId,
  publicKey: 'pem-2',
  rotatedAt: '2026-03-01T11:00:00.000Z',
  endorsement: 'c2ln',
  acceptance: 'c2ln',
});
const seal = (data: SealedCheckpoint) => ({
  type: 'SealCheckpoint' as const,
  data: { checkpoint: data },
});

describe('audit checkpoints: sealed in sequence, without gaps', () => {
  it('seals the first checkpoint from the start of the log', () => {
    spec
      .given([])
      .when(seal(checkpoint()))
      .then([sealed(checkpoint())]);
  });

  it('seals the next checkpoint where the previous one ended', () => {
    const next = checkpoint({ sequence: 2, fromPosition: 10, toPosition: 12 });
    spec
      .given([sealed(checkpoint())])
      .when(seal(next))
      .then([sealed(next)]);
  });

  it('seals a v2 checkpoint with the whole-log tree note, after a v1 one', () => {
    const next = checkpoint({
      sequence: 2,
      fromPosition: 10,
      toPosition: 12,
      treeSize: 12,
      note: 'n',
    });
    spec
      .given([{ ...sealed(checkpoint()), schemaVersion: 1 } as never])
      .when(seal(next))
      .then([sealed(next)]);
  });

  it('refuses a tree size without its note', () => {
    spec
      .given([])
      .when(seal(checkpoint({ treeSize: 10 })))
      .thenThrows('invalid', ['note']);
  });

  it('records a key rotation from the log’s key; the next checkpoint is signed with the new key', () => {
    const rotated = {
      type: 'AuditSigningKeyRotated' as const,
      schemaVersion: 1 as const,
      data: rotation('k1', 'k2'),
    };
    spec
      .given([sealed(checkpoint())])
      .when({ type: 'RotateSigningKey', data: { rotation: rotation('k1', 'k2') } })
      .then([rotated]);
    const next = checkpoint({ sequence: 2, fromPosition: 10, toPosition: 12, keyId: 'k2' });
    spec
      .given([sealed(checkpoint()), rotated])
      .when(seal(next))
      .then([sealed(next)]);
  });

  it('refuses a checkpoint signed with another key than the log’s (no rotation recorded)', () => {
    spec
      .given([sealed(checkpoint())])
      .when(seal(checkpoint({ sequence: 2, fromPosition: 10, toPosition: 12, keyId: 'k2' })))
      .thenThrows('conflict');
  });

  it('refuses a rotation that does not start from the log’s key', () => {
    spec
      .given([sealed(checkpoint())])
      .when({ type: 'RotateSigningKey', data: { rotation: rotation('k9', 'k2') } })
      .thenThrows('conflict');
  });

  it('refuses a checkpoint out of sequence (another sealer came first)', () => {
    spec
      .given([sealed(checkpoint())])
      .when(seal(checkpoint()))
      .thenThrows('conflict');
  });

  it('refuses a checkpoint leaving a gap after the previous one', () => {
    spec
      .given([sealed(checkpoint())])
      .when(seal(checkpoint({ sequence: 2, fromPosition: 11, toPosition: 12 })))
      .thenThrows('conflict');
  });

  it('refuses a checkpoint covering nothing', () => {
    spec
      .given([])
      .when(seal(checkpoint({ toPosition: 0 })))
      .thenThrows('invalid', ['toPosition']);
  });
});
