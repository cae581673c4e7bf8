// Runs parse and normalize in a worker thread, so that a huge or hostile document never blocks the
// main thread (which serves HTTP and writes SQLite), and a runaway parse can be stopped.
import { parentPort } from 'node:worker_threads';
import { errorMessage, NotAFeedError } from '../errors.js';
import { parseFeed, type FeedDocument } from '../parse/parse-feed.js';
import { normalizeFeed, type NormalizeOptions } from './normalize-entry.js';

export interface WorkRequest {
  id: number;
  bytes: Uint8Array;
  doc: FeedDocument;
  options: NormalizeOptions;
}

parentPort?.on('message', async (req: WorkRequest) => {
  try {
    const feed = await parseFeed(req.bytes, req.doc);
    const { entries, unchanged } = normalizeFeed(feed, req.options);
    const { entries: _raw, ...meta } = feed;
    parentPort!.postMessage({ id: req.id, ok: true, feed: meta, entries, unchanged });
  } catch (err) {
    parentPort!.postMessage({ id: req.id, ok: false, error: errorMessage(err), notAFeed: err instanceof NotAFeedError, alternates: err instanceof NotAFeedError ? err.alternates : [] });
  }
});
