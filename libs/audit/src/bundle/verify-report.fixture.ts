/**
 * Test fixture (not exported from the lib): bundles, valid and tampered the ways the unit tests
 * tamper them, and the verifier's report for each. Keys come from fixed seeds and times are
 * fixed, so the same scenario always yields the same bytes and the same report.
 */
import { createHash } from 'node:crypto';
import { AuditedEvent } from '../audited-event';
import { checkpointBodyOf, CheckpointBody, signCheckpoint } from '../checkpoint';
import { History, sampleHistory } from '../history.fixture';
import {
  OTHER_KEY,
  OTHER_PUBLIC_KEY,
  SCENARIO_KEY,
  SCENARIO_PUBLIC_KEY,
} from '../scenario-keys.fixture';
import { buildBundle } from './build-bundle';
import { formatBundleVerification } from './format-verification';
import { verifyBundle } from './verify-bundle';

export interface BundleScenario {
  bundle: string;
  trustedPublicKey?: string;
}

type Scenarios = Record<string, BundleScenario>;

export function bundleOf(
  history: History,
  events: readonly AuditedEvent[] = history.events,
  checkpoints = history.checkpoints,
  selection: Record<string, unknown> = {},
  signingKey = SCENARIO_KEY,
): string {
  return buildBundle({
    events,
    checkpoints,
    checkpointLeaves: history.leaves,
    signingKey,
    generatedAt: '2025-02-01T00:00:00.000Z',
    selection,
    throughPosition: history.events.length,
  });
}

export const join = (lines: readonly string[]) => lines.join('\n') + '\n';
const trusted = (bundle: string): BundleScenario => ({
  bundle,
  trustedPublicKey: SCENARIO_PUBLIC_KEY,
});

/** 20 events, checkpoints over 1..8 and 9..16, 17..20 unsealed; its longest stream. */
function sample() {
  const history = sampleHistory(SCENARIO_KEY, 20, 8, false);
  const bundle = bundleOf(history);
  const lines = bundle.trimEnd().split('\n');
  const ofStream = (streamId: string) => history.events.filter((e) => e.streamId === streamId);
  const streamId = ['site-cannes', 'offer-42', 'bid-7'].sort(
    (a, b) => ofStream(b).length - ofStream(a).length,
  )[0];
  const stream = ofStream(streamId);
  return {
    history,
    bundle,
    lines,
    streamId,
    stream,
    middle: stream[Math.floor(stream.length / 2)],
    eventLine: (id: string) => lines.findIndex((l) => l.includes(`"id":"${id}"`)),
    without: (...indexes: number[]) => join(lines.filter((_, i) => !indexes.includes(i))),
    /** A bundle of these events and the checkpoints covering them. */
    filtered: (events: AuditedEvent[], selection: Record<string, unknown>) =>
      bundleOf(
        history,
        events,
        history.checkpoints.filter((c) =>
          events.some((e) => e.globalPosition > c.fromPosition && e.globalPosition <= c.toPosition),
        ),
        selection,
      ),
  };
}
type Sample = ReturnType<typeof sample>;

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

/** The checkpoint line with its body changed by `edit`, then signed again with the right key. */
function reSignedCheckpoint(
  lines: readonly string[],
  index: number,
  edit: (body: CheckpointBody) => void,
) {
  return join(
    editLine(lines, index, (value) => {
      const body = checkpointBodyOf(value);
      edit(body);
      for (const field of Object.keys(value)) if (field !== 'kind') delete value[field];
      Object.assign(value, signCheckpoint(body, SCENARIO_KEY));
    }),
  );
}

function validExports({ bundle, history, stream, streamId, filtered }: Sample): Scenarios {
  return {
    valid: { bundle },
    'valid, trusted key': trusted(bundle),
    'valid, another trusted key': { bundle, trustedPublicKey: OTHER_PUBLIC_KEY },
    'valid, small': { bundle: bundleOf(sampleHistory(SCENARIO_KEY, 9, 4, false, 11)) },
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
  };
}

function editedLines({ lines }: Sample): Scenarios {
  const signatureOf = (index: number) => JSON.parse(lines[index]).signature;
  return {
    'checkpoint signatures swapped': {
      bundle: join(
        editLine(
          editLine(lines, 1, (a) => (a.signature = signatureOf(2))),
          2,
          (b) => (b.signature = signatureOf(1)),
        ),
      ),
    },
    'event data edited': {
      bundle: join(editLine(lines, 5, (value) => (value.event.data.amount += 1))),
    },
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
    'superseded format': trusted(
      join(editLine(lines, 0, (header) => (header.format = 'policloud-audit-bundle/1'))),
    ),
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

function removedAddedOrMovedLines(s: Sample): Scenarios {
  const { lines, history, stream, streamId, eventLine, without } = s;
  const others = history.events.filter((e) => e.streamId !== streamId);
  const filteredLines = s.filtered(stream, { stream: streamId }).trimEnd().split('\n');
  const sealedByTheSecond = history.events.filter((e) => e.globalPosition > 8);
  return {
    'first checkpoint removed': { bundle: without(1) },
    'a checkpoint after the events': {
      bundle: join([lines[0], lines[1], ...lines.slice(3), lines[2]]),
    },
    'event deleted mid-stream': trusted(without(eventLine(s.middle.id))),
    "stream's first event deleted": trusted(without(eventLine(stream[0].id))),
    "stream's last event deleted": trusted(without(eventLine(stream[stream.length - 1].id))),
    'whole stream deleted': trusted(without(...stream.map((e) => eventLine(e.id)))),
    'last checkpoint, its events and the tail deleted': trusted(
      without(2, ...sealedByTheSecond.map((e) => eventLine(e.id))),
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
  };
}

function reSignedLines({ lines, history, streamId, middle }: Sample): Scenarios {
  const afterDeletion = bundleOf(
    history,
    history.events.filter((e) => e.id !== middle.id),
    history.checkpoints,
    {},
    OTHER_KEY,
  );
  return {
    'header selection changed': trusted(
      join(
        editLine(lines, 0, (header) => (header.selection = { stream: streamId })).filter(
          (line, i) => i < 3 || line.includes(`"streamId":"${streamId}"`),
        ),
      ),
    ),
    'header re-signed with another key after a deletion': { bundle: afterDeletion },
    'header re-signed with another key, trusted key given': trusted(afterDeletion),
    'events outside the signed selection': trusted(
      bundleOf(history, history.events, history.checkpoints, { stream: streamId }),
    ),
    'checkpoint re-signed off the chain': {
      bundle: reSignedCheckpoint(
        lines,
        2,
        (body) => (body.previousCheckpointHash = 'a'.repeat(64)),
      ),
    },
    'first checkpoint re-signed off GENESIS': {
      bundle: reSignedCheckpoint(
        lines,
        1,
        (body) => (body.previousCheckpointHash = 'b'.repeat(64)),
      ),
    },
    'first checkpoint re-signed without event ids': {
      bundle: reSignedCheckpoint(lines, 1, (body) => {
        delete body.firstEventId;
        delete body.lastEventId;
      }),
    },
    'checkpoint re-signed with a gap': {
      bundle: reSignedCheckpoint(lines, 2, (body) => (body.fromPosition = 9)),
    },
  };
}

export function bundleScenarios(): Scenarios {
  const s = sample();
  return {
    ...validExports(s),
    ...editedLines(s),
    ...removedAddedOrMovedLines(s),
    ...reSignedLines(s),
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Per bundle scenario: the bundle's digest, the verification and the CLI's output for it. */
export function bundleReports(): Record<string, unknown> {
  const reports: Record<string, unknown> = {};
  for (const [name, { bundle, trustedPublicKey }] of Object.entries(bundleScenarios())) {
    const result = verifyBundle(bundle, { trustedPublicKey });
    reports[name] = { bundleSha256: sha256(bundle), result, ...formatBundleVerification(result) };
  }
  return reports;
}
