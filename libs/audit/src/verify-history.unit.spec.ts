import fc from 'fast-check';
import { generateSigningKey, publicKeyOf, signCheckpoint, checkpointBodyOf } from './checkpoint';
import { chainHashes, eventHash, GENESIS_HASH } from './event-hash';
import { buildHistory, sampleHistory, skippedRevisionHistory } from './history.fixture';
import { verifyHistory } from './verify-history';

describe('verifyHistory', () => {
  const privateKey = generateSigningKey();
  const publicKey = publicKeyOf(privateKey);
  const history = sampleHistory(privateKey, 24, 8);
  const copy = () =>
    history.events.map((e) => ({ ...e, data: structuredClone(e.data) as unknown }));

  it('accepts a valid history, and random valid histories', () => {
    expect(
      verifyHistory({ events: history.events, checkpoints: history.checkpoints, publicKey }),
    ).toEqual({
      ok: true,
      eventsChecked: 24,
      checkpointsChecked: 3,
      checkpointsSkipped: 0,
    });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('s1', 's2', 's3', 's4'), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        (streams, every) => {
          const h = buildHistory(streams, privateKey, every);
          const result = verifyHistory({ events: h.events, checkpoints: h.checkpoints, publicKey });
          expect(result.firstInconsistency).toBeUndefined();
          expect(result.checkpointsChecked).toBe(h.checkpoints.length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("verifies a window of the log with the streams' predecessors, skipping checkpoints outside it", () => {
    const window = history.events.slice(8, 20); // positions 9..20
    const predecessors = new Map<string, string>();
    for (const e of history.events.slice(0, 8)) predecessors.set(e.streamId, e.hash!);
    const result = verifyHistory({
      events: window,
      predecessors,
      checkpoints: history.checkpoints,
      publicKey,
    });
    expect(result).toMatchObject({
      ok: true,
      eventsChecked: 12,
      checkpointsChecked: 1,
      checkpointsSkipped: 2,
    });
    // Without the predecessors, the window does not start the streams.
    const broken = verifyHistory({ events: window, checkpoints: history.checkpoints, publicKey });
    expect(broken.firstInconsistency).toMatchObject({ kind: 'chain_break', globalPosition: 9 });
  });

  it('reports edited data as event_hash at that event', () => {
    const events = copy();
    (events[10].data as { amount: number }).amount += 1;
    const { ok, firstInconsistency } = verifyHistory({
      events,
      checkpoints: history.checkpoints,
      publicKey,
    });
    expect(ok).toBe(false);
    expect(firstInconsistency).toMatchObject({
      kind: 'event_hash',
      eventId: events[10].id,
      globalPosition: 11,
      streamId: events[10].streamId,
      expected: eventHash(events[10], events[10].prevHash!),
      found: history.events[10].hash,
    });
  });

  it('reports a deleted event as chain_break at the next event of its stream', () => {
    const events = copy();
    // An event whose stream continues inside the same checkpoint (positions 9..16).
    const victim = [8, 9, 10, 11, 12, 13].find((i) =>
      events.slice(i + 1, 16).some((e) => e.streamId === events[i].streamId),
    )!;
    const next = events.slice(victim + 1).find((e) => e.streamId === events[victim].streamId)!;
    events.splice(victim, 1);
    const { firstInconsistency } = verifyHistory({
      events,
      checkpoints: history.checkpoints,
      publicKey,
    });
    expect(firstInconsistency).toMatchObject({
      kind: 'chain_break',
      eventId: next.id,
      globalPosition: next.globalPosition,
      streamId: next.streamId,
      expected: history.events[victim].prevHash,
      found: history.events[victim].hash,
    });
  });

  it('reports a deleted event that ended its stream as checkpoint_count', () => {
    const streams = ['a', 'b', 'a', 'b', 'c', 'a', 'b', 'a']; // 'c' has one event, at position 5
    const h = buildHistory(streams, privateKey, 4);
    const events = h.events.filter((e) => e.streamId !== 'c');
    const { firstInconsistency } = verifyHistory({
      events,
      checkpoints: h.checkpoints,
      publicKey,
      range: { fromPosition: 0, toPosition: 8 },
    });
    expect(firstInconsistency).toMatchObject({
      kind: 'checkpoint_count',
      checkpointSequence: 2,
      expected: '4',
      found: '3',
    });
  });

  it("reports the log's last event deleted as checkpoint_count when the range is given (skipped otherwise)", () => {
    const events = history.events.slice(0, -1);
    expect(
      verifyHistory({
        events,
        checkpoints: history.checkpoints,
        publicKey,
        range: { fromPosition: 0, toPosition: 24 },
      }).firstInconsistency,
    ).toMatchObject({ kind: 'checkpoint_count', checkpointSequence: 3 });
    expect(verifyHistory({ events, checkpoints: history.checkpoints, publicKey })).toMatchObject({
      ok: true,
      checkpointsSkipped: 1,
    });
  });

  it('reports two events of different streams swapped in position as checkpoint_root', () => {
    const events = copy();
    const i = events.findIndex((e, k) => k >= 8 && k < 15 && events[k + 1].streamId !== e.streamId);
    const [a, b] = [events[i], events[i + 1]];
    events[i] = { ...b, globalPosition: a.globalPosition };
    events[i + 1] = { ...a, globalPosition: b.globalPosition };
    const { firstInconsistency } = verifyHistory({
      events,
      checkpoints: history.checkpoints,
      publicKey,
    });
    expect(firstInconsistency).toMatchObject({
      kind: 'checkpoint_root',
      checkpointSequence: 2,
      expected: history.checkpoints[1].merkleRoot,
    });
  });

  it('reports a rewritten stream with every hash recomputed as checkpoint_root', () => {
    const events = copy();
    const target = events[3];
    const stream = events.filter((e) => e.streamId === target.streamId);
    const contents = stream.map((e) => (e === target ? { ...e, data: { amount: 0 } } : e));
    const hashes = chainHashes(target.streamId, contents, 0, GENESIS_HASH);
    contents.forEach((c, r) => {
      const k = events.indexOf(stream[r]);
      events[k] = { ...c, hash: hashes[r], prevHash: r === 0 ? GENESIS_HASH : hashes[r - 1] };
    });
    expect(
      verifyHistory({ events, checkpoints: history.checkpoints, publicKey }).firstInconsistency,
    ).toMatchObject({
      kind: 'checkpoint_root',
      checkpointSequence: 1,
    });
  });

  it('reports a swapped signature as checkpoint_signature at that checkpoint', () => {
    const checkpoints = history.checkpoints.map((c) => ({ ...c }));
    [checkpoints[1].signature, checkpoints[2].signature] = [
      checkpoints[2].signature,
      checkpoints[1].signature,
    ];
    expect(
      verifyHistory({ events: history.events, checkpoints, publicKey }).firstInconsistency,
    ).toMatchObject({
      kind: 'checkpoint_signature',
      checkpointSequence: 2,
      found: history.checkpoints[2].signature,
    });
    expect(
      verifyHistory({
        events: history.events,
        checkpoints: history.checkpoints,
        publicKey: publicKeyOf(generateSigningKey()),
      }).firstInconsistency,
    ).toMatchObject({ kind: 'checkpoint_signature', checkpointSequence: 1 });
  });

  it('reports a re-signed checkpoint that breaks the chain as checkpoint_chain', () => {
    const checkpoints = [...history.checkpoints];
    checkpoints[1] = signCheckpoint(
      { ...checkpointBodyOf(checkpoints[1]), previousCheckpointHash: 'a'.repeat(64) },
      privateKey,
    );
    expect(
      verifyHistory({ events: history.events, checkpoints, publicKey }).firstInconsistency,
    ).toMatchObject({
      kind: 'checkpoint_chain',
      checkpointSequence: 2,
      found: 'a'.repeat(64),
    });
  });

  it('reports events inserted or moved out of order', () => {
    const events = copy();
    events[5] = { ...events[5], globalPosition: 3 };
    expect(
      verifyHistory({ events, checkpoints: history.checkpoints, publicKey }).firstInconsistency,
    ).toMatchObject({
      kind: 'event_order',
      eventId: events[5].id,
    });
  });

  it('reports a stream whose revisions skip (hashes recomputed after a deletion) as chain_break', () => {
    const { events, checkpoints } = skippedRevisionHistory(privateKey);
    expect(verifyHistory({ events, checkpoints, publicKey }).firstInconsistency).toMatchObject({
      kind: 'chain_break',
      eventId: 'x2',
      expected: 'revision 1',
      found: 'revision 2',
    });
  });
});
