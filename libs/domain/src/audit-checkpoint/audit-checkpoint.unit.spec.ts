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
