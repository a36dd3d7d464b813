import { requestFingerprint } from './request-fingerprint';

/**
 * Idempotency records store this fingerprint and compare it on every replay, so its encoding of
 * a JSON body must never change: the hashes below were recorded when it was introduced.
 */
describe('requestFingerprint', () => {
  const fingerprintOf = (body: string | undefined) =>
    requestFingerprint('POST', '/v1/orders', body === undefined ? undefined : JSON.parse(body));

  it.each([
    ['no body', undefined, '30a197fda11c087a40c63640d643b3f8050d836c27c515bb0bca08666848e67c'],
    ['null', 'null', '30a197fda11c087a40c63640d643b3f8050d836c27c515bb0bca08666848e67c'],
    ['an empty object', '{}', '78e6a981be46604b8bba1fa029a6c2aba6498122a593a2c2df47c2bcd9b816c0'],
    [
      'nested objects, arrays and numbers',
      '{"b":[1,2.5,-0,1e21,{"y":null,"x":true}],"a":{"d":"text","c":0.1}}',
      'a41e65e360efcd0458205bca7201bff0fd0379aa90646a3dbaae8749f2c9dd4c',
    ],
    [
      'integer-like keys',
      '{"10":"ten","9":"nine","a":1,"":2}',
      'ec6b5f615770432ec6be77cff7359994c7145f40f25e57a93a07b0959072501b',
    ],
    [
      'escapes and non-ASCII',
      '{"é":"\\u2028 \\"quoted\\" \\\\ \\n","z":"😀","Z":"\\u0001"}',
      'b4ea3f2bc28a80d099f67b487128a380d8301fd3ca1b19b1dc696a72991be74b',
    ],
  ])('fingerprints %s as it always did', (_name, body, expected) => {
    expect(fingerprintOf(body)).toBe(expected);
  });

  it('is the same whatever the order of the keys, and differs with the URL or the body', () => {
    const same = fingerprintOf('{"gpus":4,"hours":2,"constraints":{"renewableOnly":true,"a":1}}');
    expect(fingerprintOf('{"constraints":{"a":1,"renewableOnly":true},"hours":2,"gpus":4}')).toBe(
      same,
    );
    expect(
      fingerprintOf('{"gpus":4,"hours":3,"constraints":{"renewableOnly":true,"a":1}}'),
    ).not.toBe(same);
    expect(requestFingerprint('POST', '/v1/offers', { gpus: 4 })).not.toBe(
      requestFingerprint('POST', '/v1/orders', { gpus: 4 }),
    );
  });
});
