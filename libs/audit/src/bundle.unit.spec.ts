import { BUNDLE_FORMAT, buildBundle, formatBundleVerification, verifyBundle } from './bundle';
import { generateSigningKey, keyIdOf, publicKeyOf } from './checkpoint';
import { sampleHistory } from './history.fixture';

describe('audit bundle', () => {
  const privateKey = generateSigningKey();
  const publicKey = publicKeyOf(privateKey);
  // 20 events, checkpoints over 1..8 and 9..16, events 17..20 not sealed yet.
  const history = sampleHistory(privateKey, 20, 8, false);
  const build = (
    events = history.events,
    checkpoints = history.checkpoints,
    selection: Record<string, unknown> = {},
  ) =>
    buildBundle({
      events,
      checkpoints,
      checkpointLeaves: history.leaves,
      signingKey: privateKey,
      generatedAt: '2025-02-01T00:00:00.000Z',
      selection,
      throughPosition: 20,
    });
  const bundle = build();
  const lines = bundle.trimEnd().split('\n');

  it('writes header, checkpoints, then events with proofs (null when not sealed)', () => {
    expect(lines).toHaveLength(1 + 2 + 20);
    expect(JSON.parse(lines[0])).toMatchObject({
      kind: 'header',
      format: BUNDLE_FORMAT,
      publicKey,
      keyId: keyIdOf(publicKey),
    });
    expect(lines[0].startsWith('{"kind":"header","format":"policloud-audit-bundle/2",')).toBe(true);
    expect(JSON.parse(lines[1])).toMatchObject({
      kind: 'checkpoint',
      sequence: 1,
      signature: history.checkpoints[0].signature,
    });
    const first = JSON.parse(lines[3]);
    expect(first).toMatchObject({
      kind: 'event',
      event: { id: 'evt-1', globalPosition: 1 },
      proof: { checkpointSequence: 1, leafIndex: 0, treeSize: 8 },
    });
    expect(first.event.recordedAt).toBeUndefined();
    expect(JSON.parse(lines[22]).proof).toBeNull();
  });

  it('verifies, with and without the trusted key, and a selection of events', () => {
    const result = verifyBundle(bundle, { trustedPublicKey: publicKey });
    expect(result).toEqual({
      ok: true,
      keyId: keyIdOf(publicKey),
      eventsVerified: 16,
      unsealedEvents: 4,
      checkpointsVerified: 2,
      failures: [],
    });
    expect(verifyBundle(bundle).ok).toBe(true);
    const stream = history.events.filter((e) => e.streamId === 'offer-42');
    expect(verifyBundle(build(stream, history.checkpoints, { stream: 'offer-42' }))).toMatchObject({
      ok: true,
      eventsVerified: stream.filter((e) => e.globalPosition <= 16).length,
    });
    expect(formatBundleVerification(result)).toEqual({
      exitCode: 0,
      lines: [
        `PASS: 16 events verified against 2 signed checkpoints (key ${keyIdOf(publicKey)})`,
        'note: 4 more events are not sealed by a checkpoint yet (hash-consistent, not signed)',
      ],
    });
  });

  it('fails a bundle signed by another key than the trusted one', () => {
    const result = verifyBundle(bundle, { trustedPublicKey: publicKeyOf(generateSigningKey()) });
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toMatchObject({ line: 1, kind: 'untrusted_key' });
    expect(
      result.failures.filter((f) => f.kind === 'checkpoint_signature').map((f) => f.line),
    ).toEqual([2, 3]);
  });

  it('names the line of a swapped checkpoint signature, an edited event, a removed checkpoint', () => {
    const swapped = [...lines];
    const [a, b] = [JSON.parse(lines[1]), JSON.parse(lines[2])];
    [a.signature, b.signature] = [b.signature, a.signature];
    swapped[1] = JSON.stringify(a);
    swapped[2] = JSON.stringify(b);
    expect(verifyBundle(swapped.join('\n')).failures.map((f) => [f.line, f.kind])).toEqual([
      [2, 'checkpoint_signature'],
      [3, 'checkpoint_signature'],
    ]);

    const edited = [...lines];
    const e = JSON.parse(lines[5]);
    e.event.data.amount += 1;
    edited[5] = JSON.stringify(e);
    const result = verifyBundle(edited.join('\n'));
    expect(result.failures).toEqual([
      { line: 6, kind: 'event_hash', message: expect.stringContaining(e.event.id) },
    ]);
    expect(formatBundleVerification(result).lines[1]).toMatch(/^line 6: event_hash: event evt-3 /);

    const withoutFirst = [lines[0], ...lines.slice(2)];
    expect(verifyBundle(withoutFirst.join('\n')).failures.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['missing_checkpoint']),
    );
  });

  it('fails when any one byte of any line is changed, naming that line', () => {
    // A smaller bundle (2 checkpoints of 4 events, 1 unsealed event): every byte of it is edited.
    const small = sampleHistory(privateKey, 9, 4, false, 11);
    const lines = buildBundle({
      events: small.events,
      checkpoints: small.checkpoints,
      checkpointLeaves: small.leaves,
      signingKey: privateKey,
      generatedAt: '2025-02-01T00:00:00.000Z',
      selection: {},
      throughPosition: 9,
    })
      .trimEnd()
      .split('\n');
    expect(verifyBundle(lines.join('\n'))).toMatchObject({
      ok: true,
      eventsVerified: 8,
      unsealedEvents: 1,
    });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const substitute = (ch: string) =>
      /[0-9]/.test(ch)
        ? String((Number(ch) + 1) % 10)
        : /[a-f]/.test(ch)
          ? ch === 'f'
            ? 'a'
            : String.fromCharCode(ch.charCodeAt(0) + 1)
          : alphabet.includes(ch)
            ? alphabet[(alphabet.indexOf(ch) + 1) % alphabet.length]
            : ch === 'x'
              ? 'y'
              : 'x';
    // The one documented exception: an unsealed event's globalPosition is checked for order on
    // its line, and against the signed header's digest (a failure of line 1).
    const unauthenticated = (lineIndex: number, offset: number): boolean => {
      const line = lines[lineIndex];
      const start = line.indexOf('"globalPosition":');
      return (
        lineIndex > 0 &&
        JSON.parse(line).proof === null &&
        offset >= start &&
        offset < line.indexOf(',"type"', start)
      );
    };
    let edits = 0;
    lines.forEach((line, lineIndex) => {
      for (let offset = 0; offset < line.length; offset++) {
        if (unauthenticated(lineIndex, offset)) continue;
        const mutated = [...lines];
        mutated[lineIndex] =
          line.slice(0, offset) + substitute(line[offset]) + line.slice(offset + 1);
        const result = verifyBundle(mutated.join('\n') + '\n');
        edits += 1;
        if (result.ok || !result.failures.some((f) => f.line === lineIndex + 1)) {
          throw new Error(
            `edit at line ${lineIndex + 1}, offset ${offset} (${JSON.stringify(line.slice(Math.max(0, offset - 20), offset + 20))}) not detected: ${JSON.stringify(result.failures)}`,
          );
        }
      }
    });
    expect(edits).toBeGreaterThan(3000);
  });

  it('reports unparseable, misplaced and unknown lines', () => {
    const result = verifyBundle(
      [lines[0], '{oops', lines[3], lines[1], '{"kind":"other"}', lines[4]].join('\n'),
    );
    // Line 1 lists what the signed header holds and the bundle lacks.
    expect(result.failures.filter((f) => f.line === 1).map((f) => f.kind)).toEqual(
      expect.arrayContaining(['missing_checkpoint', 'missing_stream']),
    );
    expect(result.failures.filter((f) => f.line > 1).map((f) => [f.line, f.kind])).toEqual([
      [2, 'parse'],
      [3, 'missing_checkpoint'],
      [4, 'order'],
      [5, 'malformed'],
      [6, 'missing_checkpoint'],
    ]);
    expect(verifyBundle('').failures).toEqual([
      { line: 1, kind: 'header', message: 'the bundle is empty' },
    ]);
    expect(verifyBundle(lines.slice(1).join('\n')).failures[0]).toMatchObject({
      line: 1,
      kind: 'header',
    });
    expect(verifyBundle(lines.join('\r\n')).ok).toBe(false);
  });

  describe('a line removed, added, duplicated or moved fails; a filtered export passes', () => {
    const eventLine = (id: string) => lines.findIndex((l) => l.includes(`"id":"${id}"`));
    const streamEvents = (streamId: string) =>
      history.events.filter((e) => e.streamId === streamId);
    const failuresOf = (kept: readonly string[]) => {
      const result = verifyBundle(kept.join('\n') + '\n', { trustedPublicKey: publicKey });
      expect(result.ok).toBe(false);
      return result.failures.map((f) => `line ${f.line}: ${f.kind}: ${f.message}`);
    };
    const withoutLines = (...indexes: number[]) => lines.filter((_, i) => !indexes.includes(i));
    // The stream with the most events, so it has a first, a middle and a last one.
    const streamId = ['site-cannes', 'offer-42', 'bid-7'].sort(
      (a, b) => streamEvents(b).length - streamEvents(a).length,
    )[0];
    const ofStream = streamEvents(streamId);

    it('an event deleted from the middle of a stream', () => {
      const middle = ofStream[Math.floor(ofStream.length / 2)];
      const next = ofStream[Math.floor(ofStream.length / 2) + 1];
      expect(failuresOf(withoutLines(eventLine(middle.id)))).toEqual([
        `line 1: missing_event: event ${streamId}@${middle.revision} is listed in the signed header but missing (before line ${eventLine(next.id)})`,
      ]);
    });

    it("a stream's first or last event deleted", () => {
      expect(failuresOf(withoutLines(eventLine(ofStream[0].id)))).toEqual([
        expect.stringMatching(new RegExp(`^line 1: missing_event: event ${streamId}@0 is listed`)),
      ]);
      const last = ofStream[ofStream.length - 1];
      expect(failuresOf(withoutLines(eventLine(last.id)))).toEqual([
        `line 1: missing_event: event ${streamId}@${last.revision} is listed in the signed header but missing (at the end of its stream)`,
      ]);
    });

    it('a whole stream deleted', () => {
      const indexes = ofStream.map((e) => eventLine(e.id));
      expect(failuresOf(withoutLines(...indexes))).toEqual([
        `line 1: missing_stream: stream ${streamId}: all ${ofStream.length} of its events listed in the signed header (revisions 0–${ofStream.length - 1}) are missing`,
      ]);
    });

    it('the last checkpoint deleted together with its events and the unsealed tail', () => {
      const cut = history.events.filter((e) => e.globalPosition > 8).map((e) => eventLine(e.id));
      const failures = failuresOf(withoutLines(2, ...cut));
      expect(failures[0]).toBe(
        'line 1: missing_checkpoint: checkpoint 2 is listed in the signed header but is not in the bundle',
      );
      expect(failures.slice(1).every((f) => /^line 1: missing_(event|stream): /.test(f))).toBe(
        true,
      );
    });

    it('the bundle cut short, even at a line boundary', () => {
      expect(failuresOf(lines.slice(0, -1))).toEqual([
        expect.stringMatching(/^line 1: missing_event: event .* \(at the end of its stream\)$/),
      ]);
      const cutMidLine = [...lines.slice(0, -1), lines[lines.length - 1].slice(0, 40)];
      expect(failuresOf(cutMidLine)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^line 23: parse: /)]),
      );
    });

    it('two lines swapped, a line duplicated', () => {
      const swapped = [...lines];
      [swapped[5], swapped[6]] = [swapped[6], swapped[5]];
      expect(failuresOf(swapped)).toEqual([
        expect.stringMatching(/^line 7: order: event .* does not come after position 4$/),
      ]);
      const duplicated = [...lines.slice(0, 7), lines[6], ...lines.slice(7)];
      expect(failuresOf(duplicated)).toEqual([
        expect.stringMatching(/^line 8: order: event .* does not come after position 4$/),
      ]);
      const checkpointTwice = [...lines.slice(0, 2), lines[1], ...lines.slice(2)];
      expect(failuresOf(checkpointTwice)).toEqual([
        'line 3: order: checkpoint 1 follows checkpoint 1',
      ]);
    });

    it('an event added that the header does not list', () => {
      const others = history.events.filter((e) => e.streamId !== streamId);
      const filtered = build(ofStream, history.checkpoints, { stream: streamId })
        .trimEnd()
        .split('\n');
      // Another stream's event, its proof intact, slipped in at its place in global order.
      const intruder = lines[eventLine(others[others.length - 1].id)];
      expect(failuresOf([...filtered, intruder])).toEqual([
        expect.stringMatching(
          /^line \d+: unlisted: event .* is not among the events the signed header lists/,
        ),
      ]);
    });

    it('a header whose selection was changed to excuse the missing lines', () => {
      const header = JSON.parse(lines[0]);
      header.selection = { stream: streamId };
      const kept = [JSON.stringify(header), ...lines.slice(1)].filter(
        (line, i) => i < 3 || line.includes(`"streamId":"${streamId}"`),
      );
      expect(failuresOf(kept)[0]).toMatch(/^line 1: header_signature: /);
    });

    it('a header re-signed with another key after a deletion', () => {
      const middle = ofStream[Math.floor(ofStream.length / 2)];
      const forged = buildBundle({
        events: history.events.filter((e) => e.id !== middle.id),
        checkpoints: history.checkpoints,
        checkpointLeaves: history.leaves,
        signingKey: generateSigningKey(),
        generatedAt: '2025-02-01T00:00:00.000Z',
        selection: {},
        throughPosition: 20,
      });
      const failures = verifyBundle(forged).failures.map((f) => `${f.line} ${f.kind}`);
      expect(failures).toEqual(['2 checkpoint_signature', '3 checkpoint_signature']);
      expect(verifyBundle(forged, { trustedPublicKey: publicKey }).failures[0]).toMatchObject({
        line: 1,
        kind: 'untrusted_key',
      });
    });

    it('the superseded format, which cannot show a deletion, is refused with the reason', () => {
      const header = JSON.parse(lines[0]);
      header.format = 'policloud-audit-bundle/1';
      expect(failuresOf([JSON.stringify(header), ...lines.slice(1)])[0]).toMatch(
        /^line 1: header: format policloud-audit-bundle\/1 is no longer verifiable: its header does not sign which events it holds/,
      );
    });

    it('exports filtered by stream, by type or by time pass', () => {
      const byType = history.events.filter((e) => e.type === 'OfferPublished');
      const byTime = history.events.filter((e) => e.globalPosition >= 5 && e.globalPosition < 14);
      for (const [events, selection] of [
        [ofStream, { stream: streamId }],
        [byType, { type: 'OfferPublished' }],
        [byTime, { from: '2025-01-01T00:00:04.000Z', to: '2025-01-01T00:00:13.000Z' }],
        [[], { participant: 'nobody' }],
      ] as const) {
        const covering = history.checkpoints.filter((c) =>
          events.some((e) => e.globalPosition > c.fromPosition && e.globalPosition <= c.toPosition),
        );
        const result = verifyBundle(build([...events], covering, selection), {
          trustedPublicKey: publicKey,
        });
        expect(result).toMatchObject({ ok: true, failures: [] });
        expect(result.eventsVerified + result.unsealedEvents).toBe(events.length);
      }
    });
  });
});
