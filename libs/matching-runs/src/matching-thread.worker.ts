/**
 * Body of the matching thread: pure computation, no I/O. Three kinds of request:
 * - `match`: runs `matchOrders` on the snapshot; the allocations go back in parts.
 * - `record`: matches, hashes the snapshot, reports `matched`, and once told the completion time
 *   decides every stream of the run with its decider (`runDecisions`); the
 *   decisions go back in parts.
 * - `recordMarket`: as `record`, from the market (sent before it in `marketPart`s): the snapshot
 *   and the run's context are built here, off the event loop.
 * - `replay`: matches and hashes; the allocations, as a run would record them, go back in parts.
 * Parts go one at a time, the next when the receiver asks for it: a large market's run is tens of
 * megabytes, decoded on the receiving event loop, and messages already queued are all decoded in
 * one turn of it. One part per turn keeps its pauses short. Errors go back under the request's id.
 */
import { deserialize, serialize } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import {
  Allocation,
  matchOrders,
  MatchingOptions,
  MatchingResult,
  MatchingSnapshot,
} from '@policloud/matching';
import type { MarketState, Versioned } from '@policloud/projections';
import {
  AllocationInput,
  ComputeOrder,
  EnergyOffer,
  Site,
  SiteCapacityState,
  StreamDecision,
} from '@policloud/domain';
import { hashOf, matchingSnapshot } from './matching-input';
import { allocationInputs, RunContext, runContextOf, runDecisions, RunRecord } from './run-events';

/** A run to record, but for what is only known after matching. */
export type RunRequest = Omit<RunRecord, 'completedAt' | 'inputHash'>;

/**
 * Consecutive entries of one of a market's maps, in its order (MatchingThread.recordMarket):
 * each `[key, value]` encoded alone (v8 serialisation), end to end in `bytes`.
 */
export interface MarketPart {
  map: 'sites' | 'offers' | 'orders' | 'capacity' | 'gpusHeld';
  sizes: number[];
  bytes: Uint8Array;
}

export type MatchingRequest =
  | { id: number; match: MatchingSnapshot }
  | { id: number; marketPart: MarketPart }
  | { id: number; recordMarket: { run: RunRequest; position: number; withHeld: boolean } }
  | { id: number; record: { snapshot: MatchingSnapshot; run: RunRequest; context: RunContext } }
  | { id: number; replay: { snapshot: MatchingSnapshot; context: RunContext } }
  | { id: number; next: true; completedAt?: string };

/**
 * Consecutive pieces of the run's streams, their events encoded one by one (v8 serialisation)
 * end to end in `bytes`; `sizes`: each event's bytes, in order.
 */
export interface EncodedPieces {
  pieces: { streamId: string; revision: number; sizes: number[] }[];
  bytes: Uint8Array;
}

export type MatchingReply =
  /** A part: allocations (`match`) or allocation inputs (`replay`). */
  | { id: number; items: Allocation[] | AllocationInput[] }
  /** A part of a recorded run's decisions. */
  | { id: number; encoded: EncodedPieces }
  | { id: number; result: MatchingResult }
  | { id: number; matched: true }
  | { id: number; recorded: { inputHash: string } }
  | { id: number; replayed: { inputHash: string } }
  | { id: number; error: { name: string; message: string } };

/** Allocations or events per message: a few milliseconds to decode. */
const ITEMS_PER_MESSAGE = 2_000;
/**
 * Bytes of events per message of a recorded run. Events differ a thousandfold in size (a fill
 * against a run's completion with every clearing price): a count alone let one message of a
 * large run reach tens of megabytes, hundreds of milliseconds to decode on the event loop.
 */
const EVENT_BYTES_PER_MESSAGE = 256 * 1024;

const port = parentPort;
/** The engine's options, as the thread was created with (MatchingThread). */
const options = (workerData ?? {}) as MatchingOptions;
if (!port) throw new Error('matching-thread.worker must run in a worker thread');
const reply = (message: MatchingReply) => port.postMessage(message);

interface Sending {
  parts: MatchingReply[];
  sent: number;
}
/** Replies being sent, part by part. */
const sending = new Map<number, Sending>();
/** Markets being received, part by part. */
const receiving = new Map<
  number,
  {
    sites: Map<string, Versioned<Site>>;
    offers: Map<string, Versioned<EnergyOffer>>;
    orders: Map<string, Versioned<ComputeOrder>>;
    capacity: Map<string, Versioned<SiteCapacityState>>;
    gpusHeld: Map<string, number>;
  }
>();
/** Runs matched and waiting for their completion time. */
const matched = new Map<
  number,
  { result: MatchingResult; inputHash: string; run: RunRequest; context: RunContext }
>();

function sendNext(id: number): void {
  const state = sending.get(id);
  if (!state) return;
  reply(state.parts[state.sent++]);
  if (state.sent === state.parts.length) sending.delete(id);
}

function chunks<T>(items: readonly T[]): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += ITEMS_PER_MESSAGE) {
    parts.push(items.slice(start, start + ITEMS_PER_MESSAGE));
  }
  return parts;
}

/**
 * The decisions cut into whole or partial ones, encoded, up to EVENT_BYTES_PER_MESSAGE or
 * ITEMS_PER_MESSAGE events a message (an event larger than that alone).
 */
function pieceMessages(id: number, decisions: readonly StreamDecision[]): MatchingReply[] {
  const messages: MatchingReply[] = [];
  let pieces: EncodedPieces['pieces'] = [];
  let encoded: Buffer[] = [];
  let bytes = 0;
  const close = () => {
    if (pieces.length === 0) return;
    messages.push({ id, encoded: { pieces, bytes: Buffer.concat(encoded) } });
    pieces = [];
    encoded = [];
    bytes = 0;
  };
  for (const { streamId, revision, events } of decisions) {
    let piece: EncodedPieces['pieces'][number] | undefined;
    for (const event of events) {
      if (bytes >= EVENT_BYTES_PER_MESSAGE || encoded.length >= ITEMS_PER_MESSAGE) {
        close();
        piece = undefined;
      }
      if (!piece) {
        piece = { streamId, revision, sizes: [] };
        pieces.push(piece);
      }
      const eventBytes = serialize(event);
      encoded.push(eventBytes);
      piece.sizes.push(eventBytes.length);
      bytes += eventBytes.length;
    }
  }
  close();
  return messages;
}

function receivePart(id: number, part?: MarketPart): void {
  let market = receiving.get(id);
  if (!market) {
    market = {
      sites: new Map(),
      offers: new Map(),
      orders: new Map(),
      capacity: new Map(),
      gpusHeld: new Map(),
    };
    receiving.set(id, market);
  }
  if (!part) return;
  const map = market[part.map] as Map<string, unknown>;
  let offset = 0;
  for (const size of part.sizes) {
    const [key, value] = deserialize(part.bytes.subarray(offset, offset + size)) as [
      string,
      unknown,
    ];
    map.set(key, value);
    offset += size;
  }
}

function handle(request: MatchingRequest): void {
  const { id } = request;
  if ('marketPart' in request) return receivePart(id, request.marketPart);
  if ('recordMarket' in request) {
    const { run, position, withHeld } = request.recordMarket;
    receivePart(id);
    const { gpusHeld, ...maps } = receiving.get(id)!;
    receiving.delete(id);
    const market: MarketState = { position, ...maps, ...(withHeld ? { gpusHeld } : {}) };
    const snapshot = matchingSnapshot(market, run.horizon, run.platformFeeBps);
    matched.set(id, {
      result: matchOrders(snapshot, options),
      inputHash: hashOf(snapshot),
      run,
      context: runContextOf(market),
    });
    return reply({ id, matched: true });
  }
  if ('match' in request) {
    const result = matchOrders(request.match, options);
    sending.set(id, {
      parts: [
        ...chunks(result.allocations).map((items) => ({ id, items })),
        { id, result: { ...result, allocations: [] } },
      ],
      sent: 0,
    });
    return sendNext(id);
  }
  if ('record' in request) {
    const { snapshot, run, context } = request.record;
    matched.set(id, {
      result: matchOrders(snapshot, options),
      inputHash: hashOf(snapshot),
      run,
      context,
    });
    return reply({ id, matched: true });
  }
  if ('replay' in request) {
    const { snapshot, context } = request.replay;
    const inputs = allocationInputs(matchOrders(snapshot, options), context);
    sending.set(id, {
      parts: [
        ...chunks(inputs).map((items) => ({ id, items })),
        { id, replayed: { inputHash: hashOf(snapshot) } },
      ],
      sent: 0,
    });
    return sendNext(id);
  }
  const run = matched.get(id);
  if (run && request.completedAt !== undefined) {
    matched.delete(id);
    const record = { ...run.run, completedAt: request.completedAt, inputHash: run.inputHash };
    const decisions = runDecisions(record, run.result, run.context);
    sending.set(id, {
      parts: [...pieceMessages(id, decisions), { id, recorded: { inputHash: run.inputHash } }],
      sent: 0,
    });
  }
  sendNext(id);
}

port.on('message', (request: MatchingRequest) => {
  try {
    handle(request);
  } catch (error) {
    matched.delete(request.id);
    sending.delete(request.id);
    receiving.delete(request.id);
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    reply({ id: request.id, error: { name, message } });
  }
});
