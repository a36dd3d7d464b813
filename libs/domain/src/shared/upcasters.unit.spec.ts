import { EVENT_REGISTRY, EVENT_UPCASTERS, upcastEvent } from '../events.registry';
import { createUpcaster, UnknownEventVersionError } from './upcasters';

describe('upcasting', () => {
  const upcast = createUpcaster({ Thing: 3 }, [
    {
      type: 'Thing',
      fromVersion: 1,
      // Casts kept: upcasters of a made-up event type, whose data has no domain type.
      upcast: (data) => ({ ...(data as object), b: 'added in v2' }),
    },
    {
      type: 'Thing',
      fromVersion: 2,
      upcast: (data) => ({ ...(data as object), c: 'added in v3' }),
    },
  ]);

  it('chains one version at a time up to the current one', () =>
    expect(upcast({ type: 'Thing', schemaVersion: 1, data: { a: 1 } })).toEqual({
      type: 'Thing',
      schemaVersion: 3,
      data: { a: 1, b: 'added in v2', c: 'added in v3' },
    }));

  it('leaves a current event as it is', () =>
    expect(upcast({ type: 'Thing', schemaVersion: 3, data: { a: 1 } })).toEqual({
      type: 'Thing',
      schemaVersion: 3,
      data: { a: 1 },
    }));

  it('refuses versions newer than the code knows, unknown types and missing steps', () => {
    expect(() => upcast({ type: 'Thing', schemaVersion: 4, data: {} })).toThrow(
      UnknownEventVersionError,
    );
    expect(() => upcast({ type: 'Other', schemaVersion: 1, data: {} })).toThrow(
      UnknownEventVersionError,
    );
    const gap = createUpcaster({ Thing: 3 }, [
      { type: 'Thing', fromVersion: 2, upcast: (data) => data },
    ]);
    expect(() => gap({ type: 'Thing', schemaVersion: 1, data: {} })).toThrow(/no upcaster to v2/);
  });

  it('refuses two upcasters for the same step', () => {
    const step = { type: 'Thing', fromVersion: 1, upcast: (data: unknown) => data };
    expect(() => createUpcaster({ Thing: 2 }, [step, step])).toThrow(/Two upcasters/);
  });

  it('can read every readable version of every registered event', () => {
    for (const [type, registration] of Object.entries(EVENT_REGISTRY)) {
      expect(registration.readableVersions).toContain(registration.currentVersion);
      for (const version of registration.readableVersions.filter(
        (v) => v < registration.currentVersion,
      )) {
        expect(EVENT_UPCASTERS.some((u) => u.type === type && u.fromVersion === version)).toBe(
          true,
        );
      }
    }
  });

  it('reads ComputeOrderPlaced v1 as v2 with allOrNone false', () =>
    expect(
      upcastEvent({ type: 'ComputeOrderPlaced', schemaVersion: 1, data: { orderId: 'o' } }),
    ).toEqual({
      type: 'ComputeOrderPlaced',
      schemaVersion: 2,
      data: { orderId: 'o', allOrNone: false },
    }));
});
