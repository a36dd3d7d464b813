import { StoredEventLike } from './event';

/** Turns the data of (type, fromVersion) into the data of (type, fromVersion + 1). */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: unknown): unknown;
}

export class UnknownEventVersionError extends Error {
  constructor(type: string, version: number, detail: string) {
    super(`Cannot read ${type} v${version}: ${detail}`);
    this.name = 'UnknownEventVersionError';
  }
}

/**
 * Builds the function applied to every stored event before evolve: it chains upcasters one
 * version at a time until the event reaches the current version of its type, so a stream
 * written years ago still reads. Versions newer than the code knows are refused, not guessed.
 */
export function createUpcaster(
  currentVersions: Readonly<Record<string, number>>,
  upcasters: readonly Upcaster[],
): <E extends StoredEventLike>(event: StoredEventLike) => E {
  const steps = new Map<string, Upcaster>();
  for (const upcaster of upcasters) {
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    if (steps.has(key)) throw new Error(`Two upcasters for ${key}`);
    steps.set(key, upcaster);
  }
  return <E extends StoredEventLike>(event: StoredEventLike): E => {
    const current = currentVersions[event.type];
    if (current === undefined) {
      throw new UnknownEventVersionError(event.type, event.schemaVersion, 'unknown type');
    }
    let { schemaVersion, data } = event;
    while (schemaVersion < current) {
      const step = steps.get(`${event.type}@${schemaVersion}`);
      if (!step) {
        throw new UnknownEventVersionError(
          event.type,
          schemaVersion,
          `no upcaster to v${schemaVersion + 1}`,
        );
      }
      data = step.upcast(data);
      schemaVersion += 1;
    }
    if (schemaVersion > current) {
      throw new UnknownEventVersionError(
        event.type,
        schemaVersion,
        `this code reads up to v${current}`,
      );
    }
    return { type: event.type, schemaVersion, data } as unknown as E;
  };
}
