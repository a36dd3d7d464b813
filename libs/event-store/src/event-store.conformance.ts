/**
 * The one conformance suite every event-store adapter must pass. Each adapter's *.int.spec.ts
 * calls it with a way to open a fresh store and to reopen the same store (a process restart).
 * One store serves the whole suite (opening an embedded one costs seconds): every test writes
 * to fresh stream ids and reads the global log after the head it saw, never from an empty log.
 */
import { randomUUID } from 'node:crypto';
import { eventHash, GENESIS_HASH } from '@policloud/audit';
import { eventually } from '@policloud/test-support/eventually';
import {
  ANY,
  CheckpointStore,
  EventStore,
  EventToAppend,
  NO_STREAM,
  RecordedEvent,
  STREAM_EXISTS,
} from './event-store.port';
import {
  DuplicateEventIdError,
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from './event-store.errors';

export interface ConformanceTarget {
  /** Opens a store over fresh, empty storage, once for the suite. */
  open(): Promise<EventStore & CheckpointStore>;
  /** Opens a second instance over the storage of the last `open()` (after closing the first). */
  reopen(): Promise<EventStore & CheckpointStore>;
  cleanup?(): Promise<void>;
  /** False for adapters whose appendMany is not all-or-nothing (EventStoreDB). */
  atomicAppendMany?: boolean;
}

export function anEvent(type = 'Tested', data: Record<string, unknown> = {}): EventToAppend {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: 'conformance', correlationId: randomUUID() },
  };
}

function stream(prefix = 'conformance'): string {
  return `${prefix}-${randomUUID()}`;
}

async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  return {
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    rejected: results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as unknown),
  };
}

export function describeEventStoreConformance(adapter: string, target: ConformanceTarget): void {
  describe(`${adapter} event store conformance`, () => {
    let store: EventStore & CheckpointStore;

    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store?.close();
      await target.cleanup?.();
    });

    describe('append and read back', () => {
      it('stores every field and returns the next expected revision and position', async () => {
        const id = stream();
        const event = anEvent('SiteRegistered', { gpuCount: 100, name: 'Cannes' });
        const result = await store.append(id, [event], NO_STREAM);
        expect(result.nextExpectedRevision).toBe(0);
        const [read] = await store.readStream(id);
        expect(read).toMatchObject({
          id: event.id,
          streamId: id,
          revision: 0,
          globalPosition: result.lastGlobalPosition,
          type: 'SiteRegistered',
          schemaVersion: 1,
          data: { gpuCount: 100, name: 'Cannes' },
          metadata: event.metadata,
        });
        expect(new Date(read.recordedAt).toISOString()).toBe(read.recordedAt);
      });

      it('numbers a batch with consecutive revisions and increasing positions', async () => {
        const id = stream();
        await store.append(id, [anEvent(), anEvent(), anEvent()], NO_STREAM);
        const events = await store.readStream(id);
        expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
        expectStrictlyIncreasing(events.map((e) => e.globalPosition));
      });

      it('keeps large events intact', async () => {
        const id = stream();
        const blob = 'x'.repeat(1_000_000);
        await store.append(id, [anEvent('Large', { blob, items: [...Array(1000).keys()] })], ANY);
        const [read] = await store.readStream(id);
        expect((read.data.blob as string).length).toBe(1_000_000);
        expect(read.data.items).toHaveLength(1000);
      });

      it('keeps unicode intact in data, metadata and stream ids', async () => {
        const id = stream('énergie-風力-⚡');
        const text = 'Côte-d’Or ☀️ 🌬️ ﷽ \u202Eabc Z̤͔ͧ̑̓ \u{1F468}\u200D\u{1F469}';
        const event = { ...anEvent('Unicode', { text }), metadata: { actor: 'producteur-é' } };
        await store.append(id, [event], ANY);
        const [read] = await store.readStream(id);
        expect(read.streamId).toBe(id);
        expect(read.data.text).toBe(text);
        expect(read.metadata.actor).toBe('producteur-é');
      });

      it('rejects malformed appends without writing anything', async () => {
        const id = stream();
        await expect(store.append(id, [], ANY)).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(
          store.append(id, [{ ...anEvent(), id: 'not-a-uuid' }], ANY),
        ).rejects.toBeInstanceOf(InvalidAppendError);
        const twice = anEvent();
        await expect(store.append(id, [twice, twice], ANY)).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        await expect(store.readStream(id)).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('expected revision', () => {
      it('accepts the exact current revision and rejects a stale one with the actual revision', async () => {
        const id = stream();
        await store.append(id, [anEvent()], NO_STREAM);
        await store.append(id, [anEvent()], 0);
        const error = await store.append(id, [anEvent()], 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(1);
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('NoStream fails on an existing stream; StreamExists fails on a missing one', async () => {
        const id = stream();
        await expect(store.append(id, [anEvent()], STREAM_EXISTS)).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.append(id, [anEvent()], NO_STREAM);
        await expect(store.append(id, [anEvent()], NO_STREAM)).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await store.append(id, [anEvent()], STREAM_EXISTS);
        await store.append(id, [anEvent()], ANY);
        expect(await store.readStream(id)).toHaveLength(3);
      });

      it('an exact revision on a missing stream is a wrong expected revision', async () => {
        await expect(store.append(stream(), [anEvent()], 0)).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
      });

      it('N concurrent appenders on one stream: exactly one wins each revision', async () => {
        const id = stream();
        const appenders = 20;
        const created = await settle(
          Array.from({ length: appenders }, () => store.append(id, [anEvent()], NO_STREAM)),
        );
        expect(created.fulfilled).toBe(1);
        for (let revision = 0; revision < 5; revision++) {
          const round = await settle(
            Array.from({ length: appenders }, () => store.append(id, [anEvent()], revision)),
          );
          expect(round.fulfilled).toBe(1);
          expect(round.rejected).toHaveLength(appenders - 1);
          for (const error of round.rejected) {
            expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          }
        }
        const events = await store.readStream(id);
        expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
      });
    });

    describe('hash chain', () => {
      it('chains every event to its predecessor in the stream, whatever the expected revision', async () => {
        const id = stream();
        await store.append(id, [anEvent(), anEvent()], NO_STREAM);
        await store.append(id, [anEvent()], 1);
        await store.append(id, [anEvent()], ANY);
        await store.append(id, [anEvent()], STREAM_EXISTS);
        expectIntactChain(await store.readStream(id));
      });

      it('stays intact under concurrent appends with Any', async () => {
        const id = stream();
        await store.append(id, [anEvent()], NO_STREAM);
        await settle(
          Array.from({ length: 12 }, () => store.append(id, [anEvent(), anEvent()], ANY)),
        );
        const events = await store.readStream(id);
        expect(events).toHaveLength(25);
        expectIntactChain(events);
      });
    });

    describe('appending to several streams', () => {
      it('appends every batch with its expected revision', async () => {
        const [a, b] = [stream(), stream()];
        await store.append(a, [anEvent()], NO_STREAM);
        const results = await store.appendMany([
          { streamId: a, events: [anEvent()], expectedRevision: 0 },
          { streamId: b, events: [anEvent(), anEvent()], expectedRevision: NO_STREAM },
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1]);
        expect(await store.readStream(a)).toHaveLength(2);
        expect(await store.readStream(b)).toHaveLength(2);
      });

      // A matching run's size: a long batch and hundreds of streams, existing and new.
      it('appends a long batch and hundreds of streams, each at its revision, in batch order', async () => {
        const existing = Array.from({ length: 150 }, () => stream());
        for (const id of existing) await store.append(id, [anEvent()], NO_STREAM);
        const run = stream('run');
        const batches = [
          {
            streamId: run,
            events: Array.from({ length: 4_500 }, () => anEvent()),
            expectedRevision: NO_STREAM,
          },
          ...existing.map((streamId, i) => ({
            streamId,
            events: Array.from({ length: 1 + (i % 3) }, () => anEvent()),
            expectedRevision: i % 2 === 0 ? 0 : ANY,
          })),
          ...Array.from({ length: 150 }, () => ({
            streamId: stream(),
            events: [anEvent()],
            expectedRevision: NO_STREAM,
          })),
        ] as const;
        const head = await store.headPosition();
        const results = await store.appendMany(batches);

        expect(results.map((r) => r.nextExpectedRevision)).toEqual(
          batches.map((batch, i) =>
            i === 0 ? 4_499 : batch.expectedRevision === NO_STREAM ? 0 : batch.events.length,
          ),
        );
        expectStrictlyIncreasing(results.map((r) => r.lastGlobalPosition));
        const written = await store.readAll({ after: head, maxCount: 10_000 });
        expect(written.map((event) => event.id)).toEqual(
          batches.flatMap((batch) => batch.events.map((e) => e.id)),
        );
        const runEvents = await store.readStream(run);
        expect(runEvents.map((event) => event.revision)).toEqual(runEvents.map((_, i) => i));
        expectIntactChain(runEvents);
        expectIntactChain(await store.readStream(existing[1]));
        // Retried whole, it reports the same results and stores nothing twice.
        expect(await store.appendMany(batches)).toEqual(results);
        expect(await store.headPosition()).toBe(results[results.length - 1].lastGlobalPosition);
      }, 60_000);

      it('continues a stream named by several batches from where the previous one left it', async () => {
        const [a, b] = [stream(), stream()];
        await store.append(b, [anEvent()], NO_STREAM);
        const results = await store.appendMany([
          { streamId: a, events: [anEvent(), anEvent()], expectedRevision: NO_STREAM },
          { streamId: b, events: [anEvent()], expectedRevision: 0 },
          {
            streamId: a,
            events: Array.from({ length: 1_500 }, () => anEvent()),
            expectedRevision: ANY,
          },
          { streamId: b, events: [anEvent()], expectedRevision: 1 },
          { streamId: a, events: [anEvent()], expectedRevision: 1_501 },
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1, 1_501, 2, 1_502]);
        const events = await store.readStream(a);
        expect(events).toHaveLength(1_503);
        expectIntactChain(events);
        expectIntactChain(await store.readStream(b));
      }, 60_000);

      if (target.atomicAppendMany !== false) {
        it('names the stream whose revision was wrong, and writes nothing, among hundreds', async () => {
          const existing = Array.from({ length: 40 }, () => stream());
          for (const id of existing) await store.append(id, [anEvent()], NO_STREAM);
          const head = await store.headPosition();
          const batches = [
            {
              streamId: stream('run'),
              events: Array.from({ length: 3_000 }, () => anEvent()),
              expectedRevision: NO_STREAM,
            },
            ...existing.map((streamId, i) => ({
              streamId,
              events: [anEvent()],
              expectedRevision: i === 33 ? 1 : 0,
            })),
          ];
          const failure = await store.appendMany(batches).catch((error: unknown) => error);
          expect(failure).toBeInstanceOf(WrongExpectedRevisionError);
          expect(failure).toMatchObject({ streamId: existing[33], expected: 1, actual: 0 });
          expect(await store.headPosition()).toBe(head);
        }, 60_000);

        it('writes nothing when one batch has a wrong expected revision', async () => {
          const [a, b] = [stream(), stream()];
          await store.append(b, [anEvent()], NO_STREAM);
          const head = await store.headPosition();
          await expect(
            store.appendMany([
              { streamId: a, events: [anEvent()], expectedRevision: NO_STREAM },
              { streamId: b, events: [anEvent()], expectedRevision: 5 },
            ]),
          ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
          await expect(store.readStream(a)).rejects.toBeInstanceOf(StreamNotFoundError);
          expect(await store.headPosition()).toBe(head);
        });
      }
    });

    describe('idempotency on event id', () => {
      it('a retried batch is a no-op that reports the first result', async () => {
        const id = stream();
        const batch = [anEvent(), anEvent()];
        const first = await store.append(id, batch, NO_STREAM);
        const retried = await store.append(id, batch, NO_STREAM);
        expect(retried).toEqual(first);
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('a retry after later appends still reports the first result', async () => {
        const id = stream();
        const batch = [anEvent()];
        const first = await store.append(id, batch, NO_STREAM);
        await store.append(id, [anEvent()], 0);
        expect(await store.append(id, batch, NO_STREAM)).toEqual(first);
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('concurrent retries of one batch store it once', async () => {
        const id = stream();
        const batch = [anEvent(), anEvent()];
        await settle(Array.from({ length: 10 }, () => store.append(id, batch, ANY)));
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('reusing an event id for another event is refused', async () => {
        const id = stream();
        const event = anEvent();
        await store.append(id, [event], NO_STREAM);
        await expect(store.append(stream(), [event], NO_STREAM)).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards from a revision with a limit', async () => {
        const id = stream();
        await store.append(
          id,
          Array.from({ length: 10 }, () => anEvent()),
          NO_STREAM,
        );
        const forwards = await store.readStream(id, { fromRevision: 3, maxCount: 4 });
        expect(forwards.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
        const backwards = await store.readStream(id, { direction: 'backwards', maxCount: 3 });
        expect(backwards.map((e) => e.revision)).toEqual([9, 8, 7]);
        const fromMiddle = await store.readStream(id, {
          direction: 'backwards',
          fromRevision: 4,
          maxCount: 2,
        });
        expect(fromMiddle.map((e) => e.revision)).toEqual([4, 3]);
      });

      it('reading past the end gives nothing; a missing stream is a typed error', async () => {
        const id = stream();
        await store.append(id, [anEvent()], NO_STREAM);
        expect(await store.readStream(id, { fromRevision: 5 })).toEqual([]);
        await expect(store.readStream(stream())).rejects.toBeInstanceOf(StreamNotFoundError);
      });
    });

    describe('the global log', () => {
      it('reads pages after a position, in increasing order, and nothing past the end', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 5; i++) await store.append(stream(), [anEvent(), anEvent()], NO_STREAM);
        const all = await store.readAll({ after: start, maxCount: 100 });
        expect(all).toHaveLength(10);
        expectStrictlyIncreasing(all.map((e) => e.globalPosition));
        const page = await store.readAll({ after: all[3].globalPosition, maxCount: 2 });
        expect(page.map((e) => e.id)).toEqual([all[4].id, all[5].id]);
        expect(await store.readAll({ after: all[9].globalPosition })).toEqual([]);
        expect(await store.headPosition()).toBe(all[9].globalPosition);
      });

      it('many concurrent writers with a live subscription: none skipped, none twice, in order', async () => {
        const start = await store.headPosition();
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribeToAll({
          after: start,
          onEvent: async (event) => {
            seen.push(event);
          },
        });
        const writers = 12;
        const appendsPerWriter = 15;
        const appended = new Set<string>();
        await Promise.all(
          Array.from({ length: writers }, async () => {
            const id = stream('writer');
            for (let i = 0; i < appendsPerWriter; i++) {
              const batch = [anEvent(), ...(i % 3 === 0 ? [anEvent()] : [])];
              batch.forEach((e) => appended.add(e.id));
              await store.append(id, batch, i === 0 ? NO_STREAM : ANY);
            }
          }),
        );
        await eventually(() => seen.length >= appended.size, 'the subscription to catch up');
        await subscription.stop();
        expect(seen).toHaveLength(appended.size);
        expect(new Set(seen.map((e) => e.id))).toEqual(appended);
        expectStrictlyIncreasing(seen.map((e) => e.globalPosition));
      });
    });

    describe('catch-up subscription', () => {
      it('replays history, switches to live, and resumes from a checkpoint after a restart', async () => {
        const start = await store.headPosition();
        const history = [anEvent(), anEvent(), anEvent()];
        await store.append(stream(), history, NO_STREAM);

        const consumer = `conformance-consumer-${randomUUID()}`;
        const firstRun: string[] = [];
        const subscription = store.subscribeToAll({
          after: start,
          onEvent: async (event) => {
            firstRun.push(event.id);
            await store.save(consumer, event.globalPosition);
          },
        });
        await subscription.caughtUp;
        expect(firstRun).toEqual(history.map((e) => e.id));

        const live = anEvent();
        await store.append(stream(), [live], NO_STREAM);
        await eventually(() => firstRun.length === 4, 'the live event');
        await subscription.stop();

        const missed = [anEvent(), anEvent()];
        await store.append(stream(), missed, NO_STREAM);
        await store.close();
        store = await target.reopen();

        const resumedFrom = await store.load(consumer);
        const secondRun: string[] = [];
        const resumed = store.subscribeToAll({
          after: resumedFrom,
          onEvent: async (event) => {
            secondRun.push(event.id);
          },
        });
        await resumed.caughtUp;
        await resumed.stop();
        expect(secondRun).toEqual(missed.map((e) => e.id));
      });

      it('reports a failing handler and retries the same events with backoff until it succeeds', async () => {
        const start = await store.headPosition();
        const written = anEvent();
        await store.append(stream(), [written], NO_STREAM);
        const errors: Array<{ error: unknown; retryInMs: number }> = [];
        let attempts = 0;
        const handled: string[] = [];
        const subscription = store.subscribeToAll({
          after: start,
          retry: { initialMs: 20, maxMs: 80 },
          onEvent: async (event) => {
            attempts += 1;
            if (attempts <= 3) throw new Error('projection failed');
            handled.push(event.id);
          },
          onError: (error, retryInMs) => errors.push({ error, retryInMs }),
        });
        await eventually(() => errors.length === 1, 'the first failure');
        expect(subscription.status()).toMatchObject({
          state: 'retrying',
          failures: 1,
          lastError: 'projection failed',
        });
        expect(subscription.position).toBe(start);
        await eventually(() => handled.length === 1, 'the retried event');
        expect(handled).toEqual([written.id]);
        expect(errors.map((e) => e.retryInMs)).toEqual([20, 40, 80]);
        expect(subscription.status()).toMatchObject({ state: 'running', failures: 0 });
        expect(subscription.position).toBeGreaterThan(start);
        await subscription.stop();
        expect(subscription.status().state).toBe('stopped');
      });
    });

    it('reports itself healthy', async () => {
      expect(await store.health()).toMatchObject({ status: 'up', adapter });
    });
  });
}

function expectIntactChain(events: RecordedEvent[]): void {
  events.forEach((event, index) => {
    expect(event.prevHash).toBe(index === 0 ? GENESIS_HASH : events[index - 1].hash);
    expect(event.hash).toBe(eventHash(event, event.prevHash!));
  });
}

function expectStrictlyIncreasing(values: number[]): void {
  values.slice(1).forEach((value, index) => expect(value).toBeGreaterThan(values[index]));
}
