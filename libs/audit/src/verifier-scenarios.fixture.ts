/**
 * Test fixture (not exported from the lib): deterministic inputs for the verifiers, valid and
 * tampered the ways the unit tests tamper them. Keys come from fixed seeds and times are fixed,
 * so the same scenario always yields the same bytes and the same report.
 */
import { createHash } from 'node:crypto';
import { buildBundle, formatBundleVerification, verifyBundle } from './bundle';
import { checkpointBodyOf, publicKeyOf, sealCheckpoint, signCheckpoint } from './checkpoint';
import { chainHashes, eventHash, GENESIS_HASH } from './event-hash';
import { buildHistory, History, sampleHistory } from './history.fixture';
import { AuditedEvent, verifyHistory, VerifyHistoryInput } from './verify-history';

/** An Ed25519 key as the base64 of a 32-byte seed derived from a label. */
export function seededSigningKey(label: string): string {
  return createHash('sha256').update(label, 'utf8').digest('base64');
}

export const SCENARIO_KEY = seededSigningKey('policloud audit verifier scenarios');
export const OTHER_KEY = seededSigningKey('policloud audit verifier scenarios: another key');
const publicKey = publicKeyOf(SCENARIO_KEY);
const otherPublicKey = publicKeyOf(OTHER_KEY);

export interface BundleScenario {
  bundle: string;
  trustedPublicKey?: string;
}

const GENERATED_AT = '2025-02-01T00:00:00.000Z';

function bundleOf(
  history: History,
  events: readonly AuditedEvent[] = history.events,
  checkpoints = history.checkpoints,
  selection: Record<string, unknown> = {},
  signingKey = SCENARIO_KEY,
  throughPosition = history.events.length,
): string {
  return buildBundle({
    events,
    checkpoints,
    checkpointLeaves: history.leaves,
    signingKey,
    generatedAt: GENERATED_AT,
    selection,
    throughPosition,
  });
}

/** The line with its JSON value changed by `edit` (edited as loose JSON, as an attacker would). */
function editLine(
  lines: readonly string[],
  index: number,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  edit: (value: any) => void,
): string[] {
  const value = JSON.parse(lines[index]);
  edit(value);
  const edited = [...lines];
  edited[index] = JSON.stringify(value);
  return edited;
}

const join = (lines: readonly string[]) => lines.join('\n') + '\n';

/** 20 events, checkpoints over 1..8 and 9..16, 17..20 unsealed; and a 9-event one. */
export function bundleScenarios(): Record<string, BundleScenario> {
  const history = sampleHistory(SCENARIO_KEY, 20, 8, false);
  const bundle = bundleOf(history);
  const lines = bundle.trimEnd().split('\n');
  const eventLine = (id: string) => lines.findIndex((l) => l.includes(`"id":"${id}"`));
  const ofStream = (streamId: string) => history.events.filter((e) => e.streamId === streamId);
  const streamId = ['site-cannes', 'offer-42', 'bid-7'].sort(
    (a, b) => ofStream(b).length - ofStream(a).length,
  )[0];
  const stream = ofStream(streamId);
  const middle = stream[Math.floor(stream.length / 2)];
  const without = (...indexes: number[]) => join(lines.filter((_, i) => !indexes.includes(i)));
  const covering = (events: readonly AuditedEvent[]) =>
    history.checkpoints.filter((c) =>
      events.some((e) => e.globalPosition > c.fromPosition && e.globalPosition <= c.toPosition),
    );
  const filtered = (events: AuditedEvent[], selection: Record<string, unknown>) =>
    bundleOf(history, events, covering(events), selection);
  const trusted = (scenario: string) => ({ bundle: scenario, trustedPublicKey: publicKey });
  const filteredLines = filtered(stream, { stream: streamId }).trimEnd().split('\n');
  const others = history.events.filter((e) => e.streamId !== streamId);
  const reSignedCheckpoint = (
    edit: (body: ReturnType<typeof checkpointBodyOf>) => void,
    index = 2,
  ) =>
    editLine(lines, index, (value) => {
      const body = checkpointBodyOf(value);
      edit(body);
      for (const field of Object.keys(value)) if (field !== 'kind') delete value[field];
      Object.assign(value, signCheckpoint(body, SCENARIO_KEY));
    });
  const small = sampleHistory(SCENARIO_KEY, 9, 4, false, 11);

  return {
    valid: { bundle },
    'valid, trusted key': trusted(bundle),
    'valid, another trusted key': { bundle, trustedPublicKey: otherPublicKey },
    'valid, small': { bundle: bundleOf(small) },
    'filtered by stream': trusted(filtered(stream, { stream: streamId })),
    'filtered by type': trusted(
      filtered(
        history.events.filter((e) => e.type === 'OfferPublished'),
        { type: 'OfferPublished' },
      ),
    ),
    'filtered by time': trusted(
      filtered(
        history.events.filter((e) => e.globalPosition >= 5 && e.globalPosition < 14),
        { from: '2025-01-01T00:00:04.000Z', to: '2025-01-01T00:00:13.000Z' },
      ),
    ),
    'filtered to nothing': trusted(filtered([], { participant: 'nobody' })),
    'checkpoint signatures swapped': {
      bundle: join(
        editLine(
          editLine(lines, 1, (a) => (a.signature = JSON.parse(lines[2]).signature)),
          2,
          (b) => {
            b.signature = JSON.parse(lines[1]).signature;
          },
        ),
      ),
    },
    'event data edited': {
      bundle: join(editLine(lines, 5, (value) => (value.event.data.amount += 1))),
    },
    'first checkpoint removed': { bundle: without(1) },
    'unparseable, misplaced and unknown lines': {
      bundle: [lines[0], '{oops', lines[3], lines[1], '{"kind":"other"}', lines[4]].join('\n'),
    },
    empty: { bundle: '' },
    'no header': { bundle: lines.slice(1).join('\n') },
    'CRLF line ends': { bundle: lines.join('\r\n') },
    'a second header': { bundle: join([lines[0], lines[0], ...lines.slice(1)]) },
    'a blank line': { bundle: join([...lines.slice(0, 4), '', ...lines.slice(4)]) },
    'a line with extra whitespace': {
      bundle: join([...lines.slice(0, 4), lines[4].replace(':', ': '), ...lines.slice(5)]),
    },
    'a checkpoint after the events': {
      bundle: join([lines[0], lines[1], ...lines.slice(3), lines[2]]),
    },
    'event deleted mid-stream': trusted(without(eventLine(middle.id))),
    "stream's first event deleted": trusted(without(eventLine(stream[0].id))),
    "stream's last event deleted": trusted(without(eventLine(stream[stream.length - 1].id))),
    'whole stream deleted': trusted(without(...stream.map((e) => eventLine(e.id)))),
    'last checkpoint, its events and the tail deleted': trusted(
      without(2, ...history.events.filter((e) => e.globalPosition > 8).map((e) => eventLine(e.id))),
    ),
    'cut at a line boundary': trusted(join(lines.slice(0, -1))),
    'cut mid-line': trusted(join([...lines.slice(0, -1), lines[lines.length - 1].slice(0, 40)])),
    'two event lines swapped': trusted(
      join([...lines.slice(0, 5), lines[6], lines[5], ...lines.slice(7)]),
    ),
    'an event line duplicated': trusted(join([...lines.slice(0, 7), lines[6], ...lines.slice(7)])),
    'a checkpoint line duplicated': trusted(
      join([...lines.slice(0, 2), lines[1], ...lines.slice(2)]),
    ),
    'an unlisted event added': trusted(
      join([...filteredLines, lines[eventLine(others[others.length - 1].id)]]),
    ),
    'header selection changed': trusted(
      join(
        editLine(lines, 0, (header) => (header.selection = { stream: streamId })).filter(
          (line, i) => i < 3 || line.includes(`"streamId":"${streamId}"`),
        ),
      ),
    ),
    'header re-signed with another key after a deletion': {
      bundle: bundleOf(
        history,
        history.events.filter((e) => e.id !== middle.id),
        history.checkpoints,
        {},
        OTHER_KEY,
      ),
    },
    'header re-signed with another key, trusted key given': trusted(
      bundleOf(
        history,
        history.events.filter((e) => e.id !== middle.id),
        history.checkpoints,
        {},
        OTHER_KEY,
      ),
    ),
    'superseded format': trusted(
      join(editLine(lines, 0, (header) => (header.format = 'policloud-audit-bundle/1'))),
    ),
    'events outside the signed selection': trusted(
      bundleOf(history, history.events, history.checkpoints, { stream: streamId }),
    ),
    'checkpoint re-signed off the chain': {
      bundle: join(reSignedCheckpoint((body) => (body.previousCheckpointHash = 'a'.repeat(64)))),
    },
    'first checkpoint re-signed off GENESIS': {
      bundle: join(reSignedCheckpoint((body) => (body.previousCheckpointHash = 'b'.repeat(64)), 1)),
    },
    'first checkpoint re-signed without event ids': {
      bundle: join(
        reSignedCheckpoint((body) => {
          delete body.firstEventId;
          delete body.lastEventId;
        }, 1),
      ),
    },
    'checkpoint re-signed with a gap': {
      bundle: join(reSignedCheckpoint((body) => (body.fromPosition = 9))),
    },
    'unsealed event moved': {
      bundle: join(editLine(lines, 22, (value) => (value.event.globalPosition += 5))),
    },
    'proof dropped from a sealed event': {
      bundle: join(editLine(lines, 4, (value) => (value.proof = null))),
    },
    'proof names an absent checkpoint': {
      bundle: join(editLine(lines, 4, (value) => (value.proof.checkpointSequence = 3))),
    },
    'proof tree size changed': {
      bundle: join(editLine(lines, 4, (value) => (value.proof.treeSize = 9))),
    },
  };
}

/** Every byte of every line of the small bundle changed once: the bundles, in order. */
export function* singleByteEdits(): Generator<string> {
  const small = sampleHistory(SCENARIO_KEY, 9, 4, false, 11);
  const lines = bundleOf(small, small.events, small.checkpoints, {}, SCENARIO_KEY, 9)
    .trimEnd()
    .split('\n');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const substitute = (ch: string) =>
    /[0-9]/.test(ch)
      ? String((Number(ch) + 1) % 10)
      : alphabet.includes(ch)
        ? alphabet[(alphabet.indexOf(ch) + 1) % alphabet.length]
        : 'x';
  for (const [index, line] of lines.entries()) {
    for (let offset = 0; offset < line.length; offset++) {
      const mutated = [...lines];
      mutated[index] = line.slice(0, offset) + substitute(line[offset]) + line.slice(offset + 1);
      yield join(mutated);
    }
  }
}

/** The inputs the verifyHistory unit tests build, valid and tampered. */
export function historyScenarios(): Record<string, VerifyHistoryInput> {
  const history = sampleHistory(SCENARIO_KEY, 24, 8);
  const checkpoints = history.checkpoints;
  const copy = () =>
    history.events.map((e) => ({ ...e, data: structuredClone(e.data) as unknown }));
  const edited = copy();
  (edited[10].data as { amount: number }).amount += 1;
  const deleted = copy();
  const victim = [8, 9, 10, 11, 12, 13].find((i) =>
    deleted.slice(i + 1, 16).some((e) => e.streamId === deleted[i].streamId),
  )!;
  deleted.splice(victim, 1);
  const short = buildHistory(['a', 'b', 'a', 'b', 'c', 'a', 'b', 'a'], SCENARIO_KEY, 4);
  const swapped = copy();
  const i = swapped.findIndex((e, k) => k >= 8 && k < 15 && swapped[k + 1].streamId !== e.streamId);
  const [a, b] = [swapped[i], swapped[i + 1]];
  swapped[i] = { ...b, globalPosition: a.globalPosition };
  swapped[i + 1] = { ...a, globalPosition: b.globalPosition };
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
  const moved = copy();
  moved[5] = { ...moved[5], globalPosition: 3 };
  const predecessors = new Map<string, string>();
  for (const e of history.events.slice(0, 8)) predecessors.set(e.streamId, e.hash!);
  const input = (events: readonly AuditedEvent[], more: Partial<VerifyHistoryInput> = {}) => ({
    events,
    checkpoints,
    publicKey,
    ...more,
  });

  const noPrevHash = copy();
  delete noPrevHash[2].prevHash;

  return {
    valid: input(history.events),
    'an event without prevHash': input(noPrevHash),
    'a window outside the given range': input(history.events, {
      range: { fromPosition: 0, toPosition: 20 },
    }),
    'valid, no checkpoints': input(history.events, { checkpoints: undefined }),
    'a window with predecessors': input(history.events.slice(8, 20), { predecessors }),
    'a window without predecessors': input(history.events.slice(8, 20)),
    'event data edited': input(edited),
    'event deleted mid-stream': input(deleted),
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
    'two events of different streams swapped': input(swapped),
    'a stream rewritten with hashes recomputed': input(rewritten(copy())),
    'checkpoint signatures swapped': input(history.events, { checkpoints: signaturesSwapped }),
    'another verifying key': input(history.events, { publicKey: otherPublicKey }),
    'checkpoint re-signed off the chain': input(history.events, { checkpoints: offChain }),
    'checkpoints out of order': input(history.events, {
      checkpoints: [checkpoints[1], checkpoints[0], checkpoints[2]],
    }),
    'event moved out of order': input(moved),
    'revisions skip': revisionsSkip(),
  };
}

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

function revisionsSkip(): VerifyHistoryInput {
  const e0 = {
    id: 'x0',
    streamId: 's',
    revision: 0,
    type: 't',
    schemaVersion: 1,
    data: {},
    metadata: {},
  };
  const e2 = { ...e0, id: 'x2', revision: 2 };
  const h0 = eventHash(e0, GENESIS_HASH);
  const events: AuditedEvent[] = [
    { ...e0, globalPosition: 1, hash: h0, prevHash: GENESIS_HASH },
    { ...e2, globalPosition: 2, hash: eventHash(e2, h0), prevHash: h0 },
  ];
  const checkpoints = [sealCheckpoint({ events, sealedAt: 'x' }, SCENARIO_KEY)];
  return { events, checkpoints, publicKey };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Per bundle scenario: the bundle's digest, the verification and the CLI's output for it. */
export function bundleReports(): Record<string, unknown> {
  const reports: Record<string, unknown> = {};
  for (const [name, { bundle, trustedPublicKey }] of Object.entries(bundleScenarios())) {
    const result = verifyBundle(bundle, { trustedPublicKey });
    reports[name] = { bundleSha256: sha256(bundle), result, ...formatBundleVerification(result) };
  }
  return JSON.parse(JSON.stringify(reports)) as Record<string, unknown>;
}

/** The CLI output for every single-byte edit of the small bundle, as one digest. */
export function singleByteEditReports(): { edits: number; failed: number; sha256: string } {
  const digest = createHash('sha256');
  let edits = 0;
  let failed = 0;
  for (const bundle of singleByteEdits()) {
    const { exitCode, lines } = formatBundleVerification(verifyBundle(bundle));
    digest.update(`${exitCode}\n${lines.join('\n')}\n\n`, 'utf8');
    edits += 1;
    failed += exitCode;
  }
  return { edits, failed, sha256: digest.digest('hex') };
}

/** Per history scenario, verifyHistory's result. */
export function historyReports(): Record<string, unknown> {
  const reports: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(historyScenarios()))
    reports[name] = verifyHistory(input);
  return JSON.parse(JSON.stringify(reports)) as Record<string, unknown>;
}
