// The `tidings` command: bin/tidings.js runs the build of this file; tests run it from source.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
