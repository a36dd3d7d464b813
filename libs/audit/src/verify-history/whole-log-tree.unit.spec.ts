import {
  checkpointBodyOf,
  generateSigningKey,
  publicKeyOf,
  sealCheckpoint,
  SignedCheckpoint,
} from '../checkpoint';
import { sampleHistory } from '../history.fixture';
import { MemoryLogTree } from '../log-tree';
import { verifyHistory } from './verify-history';

/** v2 checkpoints: /v1/audit/verify also replays the whole-log tree against each signed note. */
describe('verifyHistory over checkpoints with the whole-log tree note', () => {
  const privateKey = generateSigningKey();
  const { events } = sampleHistory(privateKey, 24, 8, true);
  const origin = 'policloud.example/audit-log';

  /** Checkpoints every 8 events, each with the note of the tree `treeOf` gives. */
  const sealAll = (rootOf: (size: number) => string): SignedCheckpoint[] => {
    const checkpoints: SignedCheckpoint[] = [];
    for (let end = 8; end <= events.length; end += 8) {
      checkpoints.push(
        sealCheckpoint(
          {
            previous: checkpoints.length ? checkpointBodyOf(checkpoints.at(-1)!) : undefined,
            toPosition: end,
            events: events.slice(end - 8, end),
            sealedAt: '2025-01-02T00:00:00.000Z',
            tree: { origin, treeSize: end, rootHash: rootOf(end) },
          },
          privateKey,
        ),
      );
    }
    return checkpoints;
  };
  const tree = new MemoryLogTree(events.map((e) => e.hash!));
  const verify = (checkpoints: SignedCheckpoint[]) =>
    verifyHistory({ events, checkpoints, publicKey: publicKeyOf(privateKey) });

  it('verifies clean when each note is the log’s tree', () => {
    expect(verify(sealAll((size) => tree.root(size)))).toMatchObject({
      ok: true,
      checkpointsChecked: 3,
    });
  });

  it('locates a note whose signed root is not the log’s tree (a split view the key signed)', () => {
    const other = new MemoryLogTree(events.map((e, i) => (i === 2 ? 'ff'.repeat(32) : e.hash!)));
    const lying = sealAll((size) => (size === 16 ? other.root(size) : tree.root(size)));
    expect(verify(lying).firstInconsistency).toMatchObject({
      kind: 'checkpoint_root',
      checkpointSequence: 2,
      message: expect.stringMatching(/whole-log tree of 16 events differs from its signed note/),
    });
  });

  it('fails a note whose tree size is edited (the checkpoint signature no longer verifies)', () => {
    const checkpoints = sealAll((size) => tree.root(size));
    checkpoints[1] = { ...checkpoints[1], note: checkpoints[1].note!.replace('\n16\n', '\n17\n') };
    expect(verify(checkpoints).firstInconsistency).toMatchObject({
      kind: 'checkpoint_signature',
      checkpointSequence: 2,
    });
  });
});
