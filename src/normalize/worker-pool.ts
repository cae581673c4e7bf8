// The main thread's side of parse-worker: a few workers, each document to the least busy one, and a
// time limit per document. The main thread keeps serving HTTP and writing SQLite meanwhile.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { NotAFeedError, ParseError } from '../errors.js';
import type { Entry } from '../model.js';
import type { FeedDocument } from '../parse/parse-feed.js';
import type { RawFeed } from '../parse/types.js';
import type { NormalizeOptions } from './normalize-entry.js';
import type { WorkRequest } from './parse-worker.js';

export type ParsedFeed = { feed: Omit<RawFeed, 'entries'>; entries: Entry[]; unchanged: number };

// Tests run the TypeScript sources; the worker always runs the built JavaScript.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? '../../dist/normalize/parse-worker.js' : './parse-worker.js', import.meta.url);

interface Pending {
  worker: Worker;
  resolve: (v: ParsedFeed) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface Reply {
  id: number;
  ok: boolean;
  feed: RawFeed;
  entries: Entry[];
  unchanged: number;
  error: string;
  notAFeed: boolean;
  alternates: string[];
}

export class ParsePool {
  private readonly workers: (Worker | undefined)[];
  private readonly busy = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    private readonly timeLimitMs = 30_000,
    size = Math.max(1, Math.min(4, availableParallelism())),
  ) {
    this.workers = new Array(size).fill(undefined);
  }

  private start(slot: number): Worker {
    const worker = new Worker(WORKER_URL);
    worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.settle(msg.id);
      if (msg.ok) p.resolve({ feed: msg.feed, entries: msg.entries, unchanged: msg.unchanged });
      else p.reject(msg.notAFeed ? new NotAFeedError(msg.error, msg.alternates) : new ParseError(msg.error));
    });
    worker.on('error', (err) => this.failAll(worker, new ParseError(`parser crashed: ${err.message}`)));
    worker.on('exit', () => {
      if (this.workers[slot] === worker) this.workers[slot] = undefined;
      this.failAll(worker, new ParseError('parser stopped'));
    });
    this.workers[slot] = worker;
    this.busy.set(worker, 0);
    worker.unref(); // an idle worker never keeps the process alive
    return worker;
  }

  /** The least busy worker, started on first use. */
  private pick(): Worker {
    let best: Worker | undefined;
    for (let slot = 0; slot < this.workers.length; slot += 1) {
      const worker = this.workers[slot] ?? this.start(slot);
      if (!best || this.busy.get(worker)! < this.busy.get(best)!) best = worker;
    }
    return best!;
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    const left = (this.busy.get(p.worker) ?? 1) - 1;
    this.busy.set(p.worker, left);
    if (left === 0) p.worker.unref();
  }

  /** Fails what was sent to one worker (a stopped worker's replacement keeps its own jobs). */
  private failAll(worker: Worker, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.settle(id);
      p.reject(err);
    }
  }

  parse(bytes: Uint8Array, doc: FeedDocument, options: NormalizeOptions): Promise<ParsedFeed> {
    const worker = this.pick();
    worker.ref();
    this.busy.set(worker, this.busy.get(worker)! + 1);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A busy main thread can run this timer before it reads a reply that is already waiting:
        // look again after the poll phase has delivered the messages.
        setImmediate(() => {
          if (!this.pending.has(id)) return;
          // A document that takes this long is hostile or broken: stop its worker; a new one starts.
          this.failAll(worker, new ParseError(`parsing took longer than ${this.timeLimitMs / 1000} s; gave up`));
          const slot = this.workers.indexOf(worker);
          if (slot >= 0) this.workers[slot] = undefined;
          void worker.terminate();
        });
      }, this.timeLimitMs);
      this.pending.set(id, { worker, resolve, reject, timer });
      const request: WorkRequest = { id, bytes, doc, options };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0, this.workers.length, ...new Array(this.workers.length).fill(undefined));
    await Promise.all(workers.map((w) => w?.terminate()));
  }
}

let shared: ParsePool | undefined;

/** The process-wide pool. */
export function parsePool(): ParsePool {
  shared ??= new ParsePool();
  return shared;
}
