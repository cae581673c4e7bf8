// A worker thread: runs the stages it is handed, one job at a time, and answers with the value or
// the error. It never decides which stages run; the orchestrator does.
import { parentPort } from 'node:worker_threads';
import { toWire } from '../errors.js';
import type { StageCall } from './stage-call.js';
import { runStages } from './stages.js';

export interface Job {
  id: number;
  stages: StageCall[];
  input: unknown;
}

parentPort?.on('message', async (job: Job) => {
  try {
    parentPort!.postMessage({ id: job.id, ok: true, value: await runStages(job.stages, job.input) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, ok: false, error: toWire(err) });
  }
});
parentPort?.postMessage({ ready: true });
