// npm run bench: every benchmark, one after the other. Each prints its figures beside its baseline
// and its bar; at the end, every figure with a bar is printed again, together (issue 23's table).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const barred = [];
// postgres imports the test cluster's TypeScript (tests/postgres-cluster.ts): it runs under tsx.
for (const name of ['process', 'http', 'million', 'ingest', 'postgres', 'hostile', 'fulltext', 'html']) {
  const script = join(here, `${name}.mjs`);
  if ((only && only !== name) || !existsSync(script)) continue;
  console.log(`\n=== ${name} ===`);
  const child = spawn(
    process.execPath,
    [...(name === 'postgres' ? ['--import', 'tsx'] : []), '--expose-gc', script, ...process.argv.slice(3)],
    { stdio: ['inherit', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    out += d;
  });
  const status = await new Promise((ok) => child.on('close', ok));
  if (status !== 0) process.exitCode = status ?? 1;
  barred.push(
    ...out
      .split('\n')
      .filter((line) => /\(target [^)]*\) (met|MISSED)/.test(line))
      .map((line) => `${name}: ${line}`),
  );
}
if (barred.length) console.log(`\n=== every figure beside its bar ===\n${barred.join('\n')}`);
