// The `tidings` command: bin/tidings.js runs the build of this file; tests run it from source.
// Stop signals are caught first, before the modules load (which takes a moment).
import { StopSignals } from './lib/signals.js';

const signals = new StopSignals();
const { main } = await import('./cli.js');
process.exitCode = await main(process.argv.slice(2), undefined, signals);
