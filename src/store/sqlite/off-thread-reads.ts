// Reads that may cost much (full-text searches) run on a worker thread with a connection of its
// own: the main thread serves /healthz and every other request meanwhile. One search of 602 prefix
// terms blocked the server for 25 s (issue 25). A read over the time budget stops its worker (a new
// one starts for the next read) and fails with a SearchQueryError that says so.
import type { Worker } from 'node:worker_threads';
import { StoreError } from '../../errors.js';
import { startWorker } from '../../lib/worker-thread.js';
import { SEARCH_BUDGET_MS, searchTooSlow } from '../search-query.js';
import type { ReadReply, ReadRequest } from './read-worker.js';

const WORKER_MODULE = new URL(`./read-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

interface Pending {
  resolve: (rows: unknown[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class OffThreadReads {
  private worker?: Worker;
  /** Resolves once the worker has opened the database: the time budget starts then, not at start-up. */
  private ready = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    private readonly file: string,
    private readonly budgetMs = SEARCH_BUDGET_MS,
  ) {}

  /** The rows of one SELECT, read on the worker. */
  async all<T>(sql: string, params: unknown[]): Promise<T[]> {
    const worker = this.worker ?? this.start();
    worker.ref();
    const id = this.nextId++;
    await this.ready;
    if (this.worker !== worker) throw new StoreError(`${this.file}: search worker stopped`);
    return new Promise<T[]>((resolve, reject) => {
      const timer = setTimeout(() => this.stop(worker, searchTooSlow(this.budgetMs)), this.budgetMs);
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject, timer });
      worker.postMessage({ id, sql, params } satisfies ReadRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stop(worker, new StoreError(`${this.file}: the store is closed`));
    await worker.terminate();
  }

  private start(): Worker {
    const worker = startWorker(WORKER_MODULE, { workerData: { file: this.file } });
    let opened!: () => void;
    this.ready = new Promise<void>((resolve) => (opened = resolve));
    worker.on('message', (reply: ReadReply | { ready: true }) => {
      if ('ready' in reply) return opened();
      const p = this.settle(reply.id);
      if (reply.ok) p?.resolve(reply.rows);
      else p?.reject(new StoreError(`${this.file}: ${reply.message}`));
      if (!this.pending.size) worker.unref();
    });
    worker.on('error', (err) =>
      this.stop(worker, new StoreError(`${this.file}: search worker failed: ${err.message}`)),
    );
    worker.on('exit', () => {
      this.stop(worker, new StoreError(`${this.file}: search worker stopped`));
      opened();
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p) clearTimeout(p.timer);
    this.pending.delete(id);
    return p;
  }

  /** Fails every read waiting on `worker` and lets it go: the next read starts another. */
  private stop(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const id of [...this.pending.keys()]) this.settle(id)!.reject(err);
    void worker.terminate();
  }
}
