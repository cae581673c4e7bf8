// Where stages run: a few worker threads (so that a huge or hostile document never blocks the
// main thread, which serves HTTP and writes the store, and a runaway job can be stopped), or this
// thread. Each job goes to an idle worker, with a time limit; another worker starts only when every
// running one is busy (a small tick uses one), and a worker idle for a few seconds is stopped, its
// heap returned to the system (a daemon between ticks holds none).
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../lib/worker-thread.js';
import { fromWire, ParseError, type WireError } from '../errors.js';
import type { StageCall } from './stage-call.js';
import type { Job } from './worker.js';

export interface Work {
  /** Runs the stages in order on `input`; `transfer` lists buffers handed over rather than copied. */
  run<T>(stages: StageCall[], input: unknown, transfer?: ArrayBuffer[]): Promise<T>;
  close(): Promise<void>;
}

/** The stages run on this thread: for callers that need no isolation. They are loaded on first use. */
export function inThread(): Work {
  return {
    run: async <T>(stages: StageCall[], input: unknown) =>
      (await (await import('./stages.js')).runStages(stages, input)) as T,
    close: async () => undefined,
  };
}

/** A buffer that may be handed to a worker: one that owns its whole ArrayBuffer (not a slice of Node's pool). */
export function transferable(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

/**
 * The heap a worker may use (MB). A hostile or huge document fails its own job, with that said,
 * instead of taking the process's memory. The reader no longer builds a document's tree, but a
 * parse job still returns all the entries of a feed of up to 10 MiB (the default maxBodySize) at once.
 */
const WORKER_HEAP_MB = 1024;

// dist/work/worker.js when built; src/work/worker.ts through tsx when tests run the sources.
const WORKER_MODULE = new URL(`./worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

/** How long a worker may sit idle before it is stopped: longer than the gaps between a tick's jobs. */
const IDLE_MS = 5_000;

/** Runs `release` after `ms` unless cancelled: a timer that does not keep the process alive (tests inject their own). */
export type IdleTimer = (release: () => void, ms: number) => () => void;

const idleTimer: IdleTimer = (release, ms) => {
  const timer = setTimeout(release, ms).unref();
  return () => clearTimeout(timer);
};

interface Pending {
  worker: Worker;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

type Reply = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

export class WorkerPool implements Work {
  private readonly workers: (Worker | undefined)[];
  private readonly busy = new Map<Worker, number>();
  /** Resolves once a worker has loaded its code: a job's time limit starts then, not at start-up. */
  private readonly ready = new Map<Worker, Promise<void>>();
  private readonly pending = new Map<number, Pending>();
  /** Cancels the idle timer of each idle worker. */
  private readonly idle = new Map<Worker, () => void>();
  private nextId = 0;
  /** Closed: a job sent now (a refresh unwinding after shutdown began) is refused, never given a new worker. */
  private closed = false;

  constructor(
    private readonly timeLimitMs = 30_000,
    size = Math.max(1, Math.min(4, availableParallelism())),
    private readonly heapMb = WORKER_HEAP_MB,
    private readonly idleMs = IDLE_MS,
    private readonly after: IdleTimer = idleTimer,
  ) {
    this.workers = new Array(size).fill(undefined);
  }

  private start(slot: number): Worker {
    const worker = startWorker(WORKER_MODULE, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    let loaded!: () => void;
    this.ready.set(worker, new Promise<void>((ok) => (loaded = ok)));
    worker.on('message', (msg: Reply) => {
      if ('ready' in msg) return loaded();
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.settle(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else p.reject(fromWire(msg.error));
    });
    worker.on('error', (err) => {
      const outOfMemory = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.failAll(
        worker,
        new ParseError(
          outOfMemory
            ? `the document needs more than the ${this.heapMb} MB a parse may use; gave up`
            : `worker crashed: ${err.message}`,
        ),
      );
    });
    worker.on('exit', () => {
      if (this.workers[slot] === worker) this.workers[slot] = undefined;
      this.idle.get(worker)?.();
      this.idle.delete(worker);
      this.failAll(worker, new ParseError('worker stopped'));
      this.ready.delete(worker);
      this.busy.delete(worker);
      loaded();
    });
    this.workers[slot] = worker;
    this.busy.set(worker, 0);
    worker.unref(); // an idle worker never keeps the process alive
    return worker;
  }

  /** Workers running now (started and not yet stopped). */
  get running(): number {
    return this.workers.filter(Boolean).length;
  }

  /** An idle worker; else a new one while a slot is free; else the least busy. */
  private pick(): Worker {
    let best: Worker | undefined;
    for (const worker of this.workers)
      if (worker && (!best || this.busy.get(worker)! < this.busy.get(best)!)) best = worker;
    const free = this.workers.indexOf(undefined);
    if (best && (this.busy.get(best) === 0 || free < 0)) return best;
    return this.start(free);
  }

  /** A worker with nothing to do is stopped after idleMs, unless a job comes first. */
  private rest(worker: Worker): void {
    this.idle.set(
      worker,
      this.after(() => {
        this.idle.delete(worker);
        const slot = this.workers.indexOf(worker);
        if (slot < 0 || this.busy.get(worker) !== 0) return;
        this.workers[slot] = undefined;
        void worker.terminate();
      }, this.idleMs),
    );
  }

  private wake(worker: Worker): void {
    this.idle.get(worker)?.();
    this.idle.delete(worker);
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    const left = (this.busy.get(p.worker) ?? 1) - 1;
    this.busy.set(p.worker, left);
    if (left > 0) return;
    p.worker.unref();
    if (this.workers.includes(p.worker)) this.rest(p.worker);
  }

  /** Fails what was sent to one worker (a stopped worker's replacement keeps its own jobs). */
  private failAll(worker: Worker, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.settle(id);
      p.reject(err);
    }
  }

  async run<T>(stages: StageCall[], input: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) throw new ParseError('stopped (shutting down)');
    const worker = this.pick();
    this.wake(worker);
    worker.ref();
    this.busy.set(worker, this.busy.get(worker)! + 1);
    const id = this.nextId++;
    await this.ready.get(worker);
    if (!this.workers.includes(worker)) throw new ParseError('worker stopped before it started');
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A busy main thread can run this timer before it reads a reply that is already waiting:
        // look again after the poll phase has delivered the messages.
        setImmediate(() => {
          if (!this.pending.has(id)) return;
          // A job that takes this long is hostile or broken: stop its worker; a new one starts.
          this.failAll(worker, new ParseError(`parsing took longer than ${this.timeLimitMs / 1000} s; gave up`));
          const slot = this.workers.indexOf(worker);
          if (slot >= 0) this.workers[slot] = undefined;
          void worker.terminate();
        });
      }, this.timeLimitMs);
      this.pending.set(id, { worker, resolve: resolve as (v: unknown) => void, reject, timer });
      const job: Job = { id, stages, input };
      worker.postMessage(job, transfer);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.idle.values()) cancel();
    this.idle.clear();
    const workers = this.workers.splice(0, this.workers.length, ...new Array(this.workers.length).fill(undefined));
    await Promise.all(workers.map((w) => w?.terminate()));
  }
}
