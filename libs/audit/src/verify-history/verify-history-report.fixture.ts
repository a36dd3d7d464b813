/**
 * Test fixture (not exported from the lib): the inputs the verifyHistory unit tests build, valid
 * and tampered, from fixed-seed keys, and verifyHistory's result for each.
 */
import { AuditedEvent } from '../audited-event';
import { checkpointBodyOf, signCheckpoint } from '../checkpoint';
import { chainHashes, GENESIS_HASH } from '../event-hash';
import { buildHistory, sampleHistory, skippedRevisionHistory } from '../history.fixture';
import { OTHER_PUBLIC_KEY, SCENARIO_KEY, SCENARIO_PUBLIC_KEY } from '../scenario-keys.fixture';
import { VerifyHistoryInput } from './history-report';
import { verifyHistory } from './verify-history';

type Scenarios = Record<string, VerifyHistoryInput>;

const publicKey = SCENARIO_PUBLIC_KEY;

/** 24 events, checkpoints over 1..8, 9..16 and 17..24. */
function sample() {
  const history = sampleHistory(SCENARIO_KEY, 24, 8);
  return {
    history,
    copy: () => history.events.map((e) => ({ ...e, data: structuredClone(e.data) as unknown })),
    input: (events: readonly AuditedEvent[], more: Partial<VerifyHistoryInput> = {}) => ({
      events,
      checkpoints: history.checkpoints,
      publicKey,
      ...more,
    }),
  };
}
type Sample = ReturnType<typeof sample>;

function ranges({ history, input }: Sample): Scenarios {
  const predecessors = new Map<string, string>();
  for (const e of history.events.slice(0, 8)) predecessors.set(e.streamId, e.hash!);
  const short = buildHistory(['a', 'b', 'a', 'b', 'c', 'a', 'b', 'a'], SCENARIO_KEY, 4);
  return {
    valid: input(history.events),
    'valid, no checkpoints': input(history.events, { checkpoints: undefined }),
    'a window with predecessors': input(history.events.slice(8, 20), { predecessors }),
    'a window without predecessors': input(history.events.slice(8, 20)),
    'a window outside the given range': input(history.events, {
      range: { fromPosition: 0, toPosition: 20 },
    }),
    'a stream-ending event deleted': {
      events: short.events.filter((e) => e.streamId !== 'c'),
      checkpoints: short.checkpoints,
      publicKey,
      range: { fromPosition: 0, toPosition: 8 },
    },
    'last event deleted, range given': input(history.events.slice(0, -1), {
      range: { fromPosition: 0, toPosition: 24 },
    }),
    'last event deleted, no range': input(history.events.slice(0, -1)),
  };
}

function tamperedEvents({ copy, input }: Sample): Scenarios {
  const edited = copy();
  (edited[10].data as { amount: number }).amount += 1;
  const noPrevHash = copy();
  delete noPrevHash[2].prevHash;
  const deleted = copy();
  const victim = [8, 9, 10, 11, 12, 13].find((i) =>
    deleted.slice(i + 1, 16).some((e) => e.streamId === deleted[i].streamId),
  )!;
  deleted.splice(victim, 1);
  const swapped = copy();
  const i = swapped.findIndex((e, k) => k >= 8 && k < 15 && swapped[k + 1].streamId !== e.streamId);
  const [a, b] = [swapped[i], swapped[i + 1]];
  swapped[i] = { ...b, globalPosition: a.globalPosition };
  swapped[i + 1] = { ...a, globalPosition: b.globalPosition };
  const moved = copy();
  moved[5] = { ...moved[5], globalPosition: 3 };
  return {
    'an event without prevHash': input(noPrevHash),
    'event data edited': input(edited),
    'event deleted mid-stream': input(deleted),
    'two events of different streams swapped': input(swapped),
    'a stream rewritten with hashes recomputed': input(rewritten(copy())),
    'event moved out of order': input(moved),
    'revisions skip': revisionsSkip(),
  };
}

function tamperedCheckpoints({ history, input }: Sample): Scenarios {
  const checkpoints = history.checkpoints;
  const signaturesSwapped = checkpoints.map((c) => ({ ...c }));
  [signaturesSwapped[1].signature, signaturesSwapped[2].signature] = [
    checkpoints[2].signature,
    checkpoints[1].signature,
  ];
  const offChain = [...checkpoints];
  offChain[1] = signCheckpoint(
    { ...checkpointBodyOf(offChain[1]), previousCheckpointHash: 'a'.repeat(64) },
    SCENARIO_KEY,
  );
  return {
    'checkpoint signatures swapped': input(history.events, { checkpoints: signaturesSwapped }),
    'another verifying key': input(history.events, { publicKey: OTHER_PUBLIC_KEY }),
    'checkpoint re-signed off the chain': input(history.events, { checkpoints: offChain }),
    'checkpoints out of order': input(history.events, {
      checkpoints: [checkpoints[1], checkpoints[0], checkpoints[2]],
    }),
  };
}

/** One stream's event edited, and the whole stream's hashes recomputed after it. */
function rewritten(events: AuditedEvent[]): AuditedEvent[] {
  const target = events[3];
  const stream = events.filter((e) => e.streamId === target.streamId);
  const contents = stream.map((e) => (e === target ? { ...e, data: { amount: 0 } } : e));
  const hashes = chainHashes(target.streamId, contents, 0, GENESIS_HASH);
  contents.forEach((c, r) => {
    const k = events.indexOf(stream[r]);
    events[k] = { ...c, hash: hashes[r], prevHash: r === 0 ? GENESIS_HASH : hashes[r - 1] };
  });
  return events;
}

/** Revisions 0 and 2 of a stream, correctly chained and sealed: revision 1 was removed. */
function revisionsSkip(): VerifyHistoryInput {
  return { ...skippedRevisionHistory(SCENARIO_KEY), publicKey };
}

export function historyScenarios(): Scenarios {
  const s = sample();
  return { ...ranges(s), ...tamperedEvents(s), ...tamperedCheckpoints(s) };
}

/** Per history scenario, verifyHistory's result. */
export function historyReports(): Record<string, unknown> {
  const reports: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(historyScenarios()))
    reports[name] = verifyHistory(input);
  return reports;
}
