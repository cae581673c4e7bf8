// The `tidings` command: bin/tidings.js runs the build of this file; tests run it from source.
// Stop signals are caught first, before the modules load (which takes a moment).
import { StopSignals } from './lib/signals.js';

const signals = new StopSignals();
// A reader that stops reading (tidings articles | head -1) ends the output quietly, not with a trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
const { main } = await import('./cli.js');
process.exitCode = await main(process.argv.slice(2), undefined, signals);
// The command is done (the daemon once it has stopped, or gave up stopping): whatever handle is still
// open, a socket a client never closed, cannot keep the process more than half a second.
setTimeout(() => process.exit(), 500).unref();
