// The main thread's side of parse-worker: one worker, a queue, a time limit per document.
import { Worker } from 'node:worker_threads';
import { NotAFeedError, ParseError } from '../errors.js';
import type { Entry } from '../model.js';
import type { FeedDocument } from '../parse/parse-feed.js';
import type { RawFeed } from '../parse/types.js';
import type { NormalizeOptions } from './normalize-entry.js';
import type { WorkRequest } from './parse-worker.js';

export type ParsedFeed = { feed: Omit<RawFeed, 'entries'>; entries: Entry[] };

// Tests run the TypeScript sources; the worker always runs the built JavaScript.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? '../../dist/normalize/parse-worker.js' : './parse-worker.js', import.meta.url);

interface Pending {
  worker: Worker;
  resolve: (v: ParsedFeed) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class ParsePool {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly timeLimitMs = 30_000) {}

  private start(): Worker {
    const worker = new Worker(WORKER_URL);
    worker.on('message', (msg: { id: number; ok: boolean; feed: RawFeed; entries: Entry[]; error: string; notAFeed: boolean; alternates: string[] }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.settle(msg.id);
      if (msg.ok) p.resolve({ feed: msg.feed, entries: msg.entries });
      else p.reject(msg.notAFeed ? new NotAFeedError(msg.error, msg.alternates) : new ParseError(msg.error));
    });
    worker.on('error', (err) => this.failAll(worker, new ParseError(`parser crashed: ${err.message}`)));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(worker, new ParseError('parser stopped'));
    });
    return worker;
  }

  private settle(id: number): void {
    clearTimeout(this.pending.get(id)?.timer);
    this.pending.delete(id);
    if (!this.pending.size) this.worker?.unref();
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
    this.worker ??= this.start();
    const worker = this.worker;
    worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // A document that takes this long is hostile or broken: stop the worker and start afresh.
        this.settle(id);
        reject(new ParseError(`parsing took longer than ${this.timeLimitMs / 1000} s; gave up`));
        this.worker = undefined;
        void worker.terminate();
      }, this.timeLimitMs);
      this.pending.set(id, { worker, resolve, reject, timer });
      const request: WorkRequest = { id, bytes, doc, options };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

let shared: ParsePool | undefined;

/** The process-wide pool. */
export function parsePool(): ParsePool {
  shared ??= new ParsePool();
  return shared;
}
