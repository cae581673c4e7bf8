// Starting a worker thread from a module beside the caller. The built JavaScript runs the .js file;
// tests run the TypeScript sources, and so does the worker: it loads the .ts file through tsx (a
// devDependency), never a stale build.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker running `moduleUrl` (a .js or .ts URL, as the caller's own import.meta.url is). */
export function startWorker(moduleUrl: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(code, { ...options, eval: true });
}
