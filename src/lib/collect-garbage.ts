// A full garbage collection, on demand. V8 collects when a thread allocates: a daemon that has just
// ingested thousands of articles and then waits for its next tick kept their garbage, over 100 MB
// of heap, until then. The daemon asks for a collection after each refresh instead (tens of ms),
// and for one more a little later: V8 gives the pages of its young generation back only at a later
// collection. --expose-gc set at run time exposes gc() to contexts made afterwards, as this one is.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

const AGAIN_MS = 5_000;

export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  setTimeout(gc, AGAIN_MS).unref();
}
