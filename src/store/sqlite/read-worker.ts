// The worker thread of OffThreadReads: runs the SELECTs it is sent on its own connection, so that
// a costly search never blocks the main thread, which serves HTTP (issue 25).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface ReadRequest {
  id: number;
  sql: string;
  params: unknown[];
}

export type ReadReply = { id: number; ok: true; rows: unknown[] } | { id: number; ok: false; message: string };

const db = new Database((workerData as { file: string }).file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('query_only = ON');

parentPort!.on('message', ({ id, sql, params }: ReadRequest) => {
  let reply: ReadReply;
  try {
    reply = { id, ok: true, rows: db.prepare(sql).all(...params) };
  } catch (err) {
    reply = { id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true });
