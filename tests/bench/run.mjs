// npm run bench: every benchmark, one after the other. Each prints its figures beside its baseline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
// postgres imports the test cluster's TypeScript (tests/postgres-cluster.ts): it runs under tsx.
for (const name of ['process', 'ingest', 'http', 'postgres', 'hostile', 'fulltext', 'html']) {
  const script = join(here, `${name}.mjs`);
  if ((only && only !== name) || !existsSync(script)) continue;
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, [...(name === 'postgres' ? ['--import', 'tsx'] : []), '--expose-gc', script, ...process.argv.slice(3)], { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = run.status ?? 1;
}
