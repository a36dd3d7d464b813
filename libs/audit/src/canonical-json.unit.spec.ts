import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { eventHash, GENESIS_HASH } from './event-hash';

describe('RFC 8785 canonical JSON', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], '€': 2, A: { z: 1, y: 2 } })).toBe(
      '{"A":{"y":2,"z":1},"a":[true,null,"x"],"b":1,"€":2}',
    );
  });

  it('orders integer-like keys as strings, not as numbers (JS objects would reorder them)', () => {
    expect(canonicalJson({ '10': 1, '9': 2, b: 3, a: 4 })).toBe('{"10":1,"9":2,"a":4,"b":3}');
  });

  it('serialises numbers as ECMAScript does (RFC 8785 appendix B samples)', () => {
    expect(canonicalJson([1e21, 1e-7, 0.000001, -0, 333333333.3333333, 4.5, 2 ** 53])).toBe(
      '[1e+21,1e-7,0.000001,0,333333333.3333333,4.5,9007199254740992]',
    );
  });

  it('escapes strings minimally', () => {
    expect(canonicalJson('\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"\/')).toBe(
      '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"',
    );
  });

  it('sorts keys by code units also when some look like array indexes', () => {
    const reference = (value: unknown): string =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? `{${Object.keys(value)
            .sort()
            .map(
              (key) =>
                `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`,
            )
            .join(',')}}`
        : JSON.stringify(value);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.string(), fc.nat().map(String)),
          fc.oneof(fc.integer(), fc.string(), fc.dictionary(fc.nat().map(String), fc.boolean())),
        ),
        (object) => {
          expect(canonicalJson(object)).toBe(reference(object));
        },
      ),
    );
  });

  it('sorts nested objects, also inside arrays, as an explicit walk does', () => {
    const reference = (value: unknown): string =>
      Array.isArray(value)
        ? `[${value.map(reference).join(',')}]`
        : value !== null && typeof value === 'object'
          ? `{${Object.keys(value)
              .sort()
              .map(
                (key) =>
                  `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`,
              )
              .join(',')}}`
          : JSON.stringify(value);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
    );
  });

  it('keeps an own "__proto__" key (as JSON.parse makes it) and serialises what toJSON returns', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"y":1,"x":2},"a":0}'))).toBe(
      '{"__proto__":{"x":2,"y":1},"a":0,"b":1}',
    );
    expect(canonicalJson({ b: new Date(Date.UTC(2025, 0, 2)), a: [{ d: 1, c: 2 }] })).toBe(
      '{"a":[{"c":2,"d":1}],"b":"2025-01-02T00:00:00.000Z"}',
    );
  });

  it('refuses what JSON cannot represent', () => {
    expect(() => canonicalJson({ b: { a: [Number.NaN] } })).toThrow(TypeError);
    expect(() => canonicalJson({ z: 1, a: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('is independent of key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
        expect(JSON.parse(canonicalJson(object))).toEqual(JSON.parse(JSON.stringify(object)));
      }),
    );
  });
});

describe('event hash', () => {
  const event = {
    id: '6f1c1d2a-9b7e-4c0f-8a3e-5d2b7c9e1f40',
    streamId: 'site-cannes',
    revision: 0,
    type: 'SiteRegistered',
    schemaVersion: 1,
    data: { gpuCount: 100 },
    metadata: { actor: 'operator' },
  };

  it('is the SHA-256 of the canonical JSON of its fields, whatever their characters', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('"', '\\', '\n', '\ud800', 'a"b'),
    );
    fc.assert(
      fc.property(
        text,
        text,
        text,
        text,
        fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
        fc.jsonValue(),
        (id, streamId, type, prevHash, revision, data) => {
          const fields = {
            id,
            streamId,
            revision,
            type,
            schemaVersion: 1,
            data,
            metadata: { actor: type },
          };
          const expected = createHash('sha256')
            .update(
              canonicalJson({
                data,
                id,
                metadata: fields.metadata,
                prevHash,
                revision,
                schemaVersion: 1,
                stream: streamId,
                type,
              }),
            )
            .digest('hex');
          expect(eventHash(fields, prevHash)).toBe(expected);
        },
      ),
    );
  });

  it('changes when any covered field or the previous hash changes', () => {
    const base = eventHash(event, GENESIS_HASH);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash({ ...event }, GENESIS_HASH)).toBe(base);
    expect(eventHash({ ...event, data: { gpuCount: 101 } }, GENESIS_HASH)).not.toBe(base);
    expect(eventHash({ ...event, revision: 1 }, GENESIS_HASH)).not.toBe(base);
    expect(eventHash(event, 'f'.repeat(64))).not.toBe(base);
  });
});
