/**
 * Body of the matching thread: runs `matchOrders` on each snapshot it is sent and posts the
 * result (or the error) back under the request's id. Pure computation, no I/O.
 * Allocations go back in parts, the next one when the receiver asks for it: a large market's
 * result is tens of megabytes, decoded on the receiving event loop, and messages already queued
 * are all decoded in one turn of it. One part per turn keeps its pauses short.
 */
import { parentPort } from 'node:worker_threads';
import { Allocation, matchOrders, MatchingResult, MatchingSnapshot } from '@policloud/matching';

export type MatchingRequest =
  { id: number; snapshot: MatchingSnapshot } | { id: number; next: true };

export type MatchingReply =
  | { id: number; allocations: Allocation[] }
  | { id: number; result: MatchingResult }
  | { id: number; error: { name: string; message: string } };

/** Allocations per message: a few milliseconds to decode. */
const ALLOCATIONS_PER_MESSAGE = 2_000;

const port = parentPort;
if (!port) throw new Error('matching-thread.worker must run in a worker thread');
const reply = (message: MatchingReply) => port.postMessage(message);
/** Results being sent back, with how many allocations went already. */
const sending = new Map<number, { result: MatchingResult; sent: number }>();

function sendNext(id: number): void {
  const state = sending.get(id);
  if (!state) return;
  const { allocations } = state.result;
  if (state.sent < allocations.length) {
    reply({ id, allocations: allocations.slice(state.sent, state.sent + ALLOCATIONS_PER_MESSAGE) });
    state.sent += ALLOCATIONS_PER_MESSAGE;
    return;
  }
  sending.delete(id);
  reply({ id, result: { ...state.result, allocations: [] } });
}

port.on('message', (request: MatchingRequest) => {
  if ('next' in request) return sendNext(request.id);
  try {
    sending.set(request.id, { result: matchOrders(request.snapshot), sent: 0 });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return reply({ id: request.id, error: { name, message } });
  }
  sendNext(request.id);
});
