import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  Allocation,
  MatchingInputError,
  MatchingResult,
  MatchingSnapshot,
} from '@policloud/matching';
import type { MatchingReply, MatchingRequest } from './matching-thread.worker';

interface Pending {
  /** Allocations received so far, in the result's order. */
  allocations: Allocation[];
  resolve: (result: MatchingResult) => void;
  reject: (error: Error) => void;
}

/**
 * Runs matching on a worker thread. A run is seconds of pure CPU on a large market; on the
 * event loop it would stall every request the service is answering meanwhile. One thread,
 * started on first use and kept for later runs; requests queue on it in order. The result is
 * the same function's on the same input: runs and replays stay identical.
 */
@Injectable()
export class MatchingThread implements OnApplicationShutdown {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  match(snapshot: MatchingSnapshot): Promise<MatchingResult> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref(); // a run in progress keeps the process alive; an idle thread does not
    return new Promise<MatchingResult>((resolve, reject) => {
      this.pending.set(id, { allocations: [], resolve, reject });
      worker.postMessage({ id, snapshot } satisfies MatchingRequest);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = spawnMatchingWorker();
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
    if ('allocations' in reply) {
      for (const allocation of reply.allocations) waiting.allocations.push(allocation);
      this.worker?.postMessage({ id: reply.id, next: true } satisfies MatchingRequest);
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('result' in reply) {
      return waiting.resolve({ ...reply.result, allocations: waiting.allocations });
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

/**
 * Compiled, the worker is plain JavaScript and inherits the process's `-r tsconfig-paths/register`.
 * From source (ts-node, jest), the thread registers the TypeScript loader and the path aliases
 * itself: hooks installed in this thread do not reach a new one.
 */
function spawnMatchingWorker(): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(join(__dirname, 'matching-thread.worker.js'));
  const entry = join(__dirname, 'matching-thread.worker.ts');
  const bootstrap = [
    "require('ts-node').register({ transpileOnly: true });",
    "require('tsconfig-paths/register');",
    `require(${JSON.stringify(entry)});`,
  ].join('\n');
  return new Worker(bootstrap, { eval: true });
}
