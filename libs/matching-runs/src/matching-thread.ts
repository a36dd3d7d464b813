import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import {
  Allocation,
  MatchingInputError,
  MatchingOptions,
  MatchingResult,
  MatchingSnapshot,
} from '@policloud/matching';
import { AllocationInput, DomainEvent, StreamDecision } from '@policloud/domain';
import type { MarketState } from '@policloud/projections';
import type {
  EncodedPieces,
  MarketPart,
  MatchingReply,
  MatchingRequest,
  RunRequest,
} from './matching-thread.worker';
import { RunContext } from './run-events';

/** What a `record` request gives back: the run's decisions, ready to commit, and its input hash. */
export interface RecordedRun {
  inputHash: string;
  decisions: StreamDecision[];
}

/** What a `replay` request gives back: the allocations a run would record, and the input hash. */
export interface ReplayedRun {
  inputHash: string;
  allocations: AllocationInput[];
}

interface Pending {
  /** Allocations or decision pieces received so far, in order. */
  items: unknown[];
  /** For a run being recorded: the completion time, read once matching is done. */
  completedAt?: () => string;
  resolve: (value: MatchingResult | RecordedRun | ReplayedRun) => void;
  reject: (error: Error) => void;
}

/**
 * Runs matching on a worker thread. A run is seconds of pure CPU on a large market, and building
 * its events (tens of thousands, checked by the domain) seconds more; on the event loop they
 * would stall every request the service is answering meanwhile. One thread, started on first use
 * and kept for later runs; requests queue on it in order. The results are the same functions'
 * on the same input: runs and replays stay identical.
 */
/** Injection token of the engine's options on the matching thread (none in production). */
export const MATCHING_OPTIONS = Symbol('MATCHING_OPTIONS');

@Injectable()
export class MatchingThread implements OnApplicationShutdown {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** `options`: the engine's (a test's small work budget); the service uses the defaults. */
  constructor(
    @Optional() @Inject(MATCHING_OPTIONS) private readonly options: MatchingOptions = {},
  ) {}

  /** `matchOrders(snapshot)`, off the event loop. */
  match(snapshot: MatchingSnapshot): Promise<MatchingResult> {
    return this.request((id) => ({ id, match: snapshot })) as Promise<MatchingResult>;
  }

  /**
   * Matches and decides the run's streams (`runDecisions`), off the event loop; `completedAt` is read
   * when matching is done.
   */
  record(
    snapshot: MatchingSnapshot,
    run: RunRequest,
    context: RunContext,
    completedAt: () => string,
  ): Promise<RecordedRun> {
    return this.request(
      (id) => ({ id, record: { snapshot, run, context } }),
      completedAt,
    ) as Promise<RecordedRun>;
  }

  /**
   * As `record`, from the market itself: the thread builds the snapshot, hashes it and reads the
   * run's context there. The market crosses in parts of `MARKET_BYTES_PER_PART`, a turn of the
   * event loop between them: a 2030 market is a hundred thousand orders, and copying it to the
   * thread in one message (or building its snapshot here) would hold the loop for a second.
   */
  recordMarket(
    market: MarketState,
    run: RunRequest,
    completedAt: () => string,
  ): Promise<RecordedRun> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref();
    const recorded = new Promise<RecordedRun>((resolve, reject) => {
      this.pending.set(id, {
        items: [],
        completedAt,
        resolve: resolve as Pending['resolve'],
        reject,
      });
    });
    const send = async () => {
      for (const part of marketParts(market)) {
        if (!this.pending.has(id)) return; // the thread died meanwhile: the run is already failed
        worker.postMessage({ id, marketPart: part } satisfies MatchingRequest);
        await nextTurn();
      }
      if (!this.pending.has(id)) return;
      worker.postMessage({
        id,
        recordMarket: { run, position: market.position, withHeld: market.gpusHeld !== undefined },
      } satisfies MatchingRequest);
    };
    return send().then(() => recorded);
  }

  /** The allocations a run on this snapshot records (`allocationInputs`), off the event loop. */
  replay(snapshot: MatchingSnapshot, context: RunContext): Promise<ReplayedRun> {
    return this.request((id) => ({ id, replay: { snapshot, context } })) as Promise<ReplayedRun>;
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private request(
    message: (id: number) => MatchingRequest,
    completedAt?: () => string,
  ): Promise<MatchingResult | RecordedRun | ReplayedRun> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref(); // a run in progress keeps the process alive; an idle thread does not
    return new Promise((resolve, reject) => {
      this.pending.set(id, { items: [], completedAt, resolve, reject });
      worker.postMessage(message(id));
    });
  }

  private start(): Worker {
    const worker = spawnMatchingWorker(this.options);
    worker.on('message', (reply: MatchingReply) => this.receive(reply));
    worker.on('error', (error) => this.abandon(worker, error));
    worker.on('exit', (code) =>
      this.abandon(worker, new Error(`matching thread exited (${code})`)),
    );
    this.worker = worker;
    return worker;
  }

  private receive(reply: MatchingReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    const ask = (extra: { completedAt?: string } = {}) =>
      this.worker?.postMessage({ id: reply.id, next: true, ...extra } satisfies MatchingRequest);
    if ('matched' in reply) return ask({ completedAt: waiting.completedAt!() });
    if ('items' in reply) {
      for (const item of reply.items) waiting.items.push(item);
      return ask();
    }
    if ('encoded' in reply) {
      for (const piece of decodePieces(reply.encoded)) waiting.items.push(piece);
      return ask();
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('result' in reply) {
      return waiting.resolve({ ...reply.result, allocations: waiting.items as Allocation[] });
    }
    if ('replayed' in reply) {
      return waiting.resolve({
        ...reply.replayed,
        allocations: waiting.items as AllocationInput[],
      });
    }
    if ('recorded' in reply) {
      return waiting.resolve({
        ...reply.recorded,
        decisions: joinPieces(waiting.items as StreamDecision[]),
      });
    }
    const { name, message } = reply.error;
    waiting.reject(
      name === 'MatchingInputError' ? new MatchingInputError(message) : new Error(message),
    );
  }

  /** A thread that died fails what it held; the next run starts a fresh one. */
  private abandon(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** The pieces of a recorded run's decisions, as the thread encoded them. */
function decodePieces({ pieces, bytes }: EncodedPieces): StreamDecision[] {
  let offset = 0;
  return pieces.map(({ streamId, revision, sizes }) => ({
    streamId,
    revision,
    events: sizes.map((size) => {
      const event = deserialize(bytes.subarray(offset, offset + size)) as DomainEvent;
      offset += size;
      return event;
    }),
  }));
}

/**
 * Bytes of a market's entries per message to the thread: a site's state is a thousand times an
 * order's, so parts are cut by size, encoded here a few milliseconds at a time.
 */
const MARKET_BYTES_PER_PART = 256 * 1024;

/** The market's maps as consecutive slices of encoded entries, each map in its own order. */
function* marketParts(market: MarketState): Generator<MarketPart> {
  const maps = {
    sites: market.sites,
    offers: market.offers,
    orders: market.orders,
    capacity: market.capacity,
    gpusHeld: market.gpusHeld ?? new Map<string, number>(),
  };
  for (const [map, entries] of Object.entries(maps) as [
    MarketPart['map'],
    ReadonlyMap<string, unknown>,
  ][]) {
    let encoded: Buffer[] = [];
    let sizes: number[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const entryBytes = serialize(entry);
      encoded.push(entryBytes);
      sizes.push(entryBytes.length);
      bytes += entryBytes.length;
      if (bytes >= MARKET_BYTES_PER_PART) {
        yield { map, sizes, bytes: Buffer.concat(encoded) };
        encoded = [];
        sizes = [];
        bytes = 0;
      }
    }
    if (sizes.length > 0) yield { map, sizes, bytes: Buffer.concat(encoded) };
  }
}

/** Consecutive pieces of one stream back into its decision. */
function joinPieces(pieces: readonly StreamDecision[]): StreamDecision[] {
  const decisions: StreamDecision[] = [];
  for (const piece of pieces) {
    const last = decisions[decisions.length - 1];
    if (last?.streamId === piece.streamId) (last.events as DomainEvent[]).push(...piece.events);
    else decisions.push({ ...piece, events: [...piece.events] });
  }
  return decisions;
}

/**
 * Compiled, the worker is plain JavaScript and inherits the process's `-r tsconfig-paths/register`.
 * From source (ts-node, jest), the thread registers the TypeScript loader and the path aliases
 * itself: hooks installed in this thread do not reach a new one.
 */
function spawnMatchingWorker(workerData: MatchingOptions): Worker {
  if (!__filename.endsWith('.ts')) {
    return new Worker(join(__dirname, 'matching-thread.worker.js'), { workerData });
  }
  const entry = join(__dirname, 'matching-thread.worker.ts');
  const bootstrap = [
    "require('ts-node').register({ transpileOnly: true });",
    "require('tsconfig-paths/register');",
    `require(${JSON.stringify(entry)});`,
  ].join('\n');
  return new Worker(bootstrap, { eval: true, workerData });
}
