import { BUNDLE_FORMAT, buildBundle, formatBundleVerification, verifyBundle } from './bundle';
import { generateSigningKey, keyIdOf, publicKeyOf } from './checkpoint';
import { sampleHistory } from './history.fixture';

describe('audit bundle', () => {
  const privateKey = generateSigningKey();
  const publicKey = publicKeyOf(privateKey);
  // 20 events, checkpoints over 1..8 and 9..16, events 17..20 not sealed yet.
  const history = sampleHistory(privateKey, 20, 8, false);
  const build = (events = history.events, checkpoints = history.checkpoints) =>
    buildBundle({
      events,
      checkpoints,
      checkpointLeaves: history.leaves,
      publicKey,
      generatedAt: '2025-02-01T00:00:00.000Z',
      selection: { streams: ['offer-42'], fromPosition: 0 },
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
    expect(lines[0].startsWith('{"kind":"header","format":"policloud-audit-bundle/1",')).toBe(true);
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
    expect(verifyBundle(build(stream, history.checkpoints))).toMatchObject({
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
      publicKey,
      generatedAt: '2025-02-01T00:00:00.000Z',
      selection: { all: true },
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
    // Documented exceptions: the header's generatedAt and selection describe the export and are
    // not authenticated; an unsealed event's globalPosition is only checked for order.
    const unauthenticated = (lineIndex: number, offset: number): boolean => {
      const line = lines[lineIndex];
      const span = (from: string, to: string) => {
        const start = line.indexOf(from);
        return start >= 0 && offset >= start && offset < line.indexOf(to, start + from.length);
      };
      if (lineIndex === 0)
        return (
          span('"generatedAt":', '"selection"') ||
          span('"selection":', '\u0000') ||
          offset >= line.indexOf('"selection":')
        );
      return JSON.parse(line).proof === null && span('"globalPosition":', ',"type"');
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
    expect(result.failures.map((f) => [f.line, f.kind])).toEqual([
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
});
