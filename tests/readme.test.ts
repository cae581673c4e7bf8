// README.md is for people who use Tidings: what it says of the commands and the configuration must
// be what Tidings does. Every command of its table exists, its configuration block is a valid
// configuration naming every key, and it holds no figure a release would have to measure again.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/load-config.js';
import { configSchema } from '../src/config/schema.js';
import { runCli } from './helpers.js';

const README = readFileSync(resolve(__dirname, '../README.md'), 'utf8');

/** The text of a level-2 section, by the start of its heading. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}`);
  expect(start, `README has no section "${heading}"`).toBeGreaterThan(0);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The commands of the Commands table: "sources add", "refresh"… (the words before the first option or argument). */
const commands = [...section('Commands').matchAll(/^\| `tidings ([a-z][a-z ]*?)(?= [[<A-Z-]|`)/gm)].map((m) =>
  m[1]!.trim(),
);

describe('README.md', () => {
  it('documents commands, and each of them exists', async () => {
    expect(commands.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const command of new Set(commands)) {
      const run = await runCli([...command.split(' '), '--help']);
      if (run.code !== 0 || !run.out.includes(`Usage: tidings ${command}`)) missing.push(command);
    }
    expect(missing).toEqual([]);
  });

  it('names every command Tidings has', async () => {
    const help = (await runCli(['--help'])).out;
    const listed = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(listed.length).toBeGreaterThan(10);
    expect(listed.filter((c) => !commands.some((d) => d === c || d.startsWith(`${c} `)))).toEqual([]);
  });

  it('shows a configuration that loads, with every key of every section', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(section('Configuration'))![1]!;
    // Every key it writes is a key Tidings reads (unknown keys are errors).
    expect(() => parseConfig(block, '/tmp/readme.yaml')).not.toThrow();
    const keysOf = (value: unknown, at: string): string[] =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => [`${at}${k}`, ...keysOf(v, `${at}${k}.`)])
        : [];
    // Every key Tidings has a default for is written down (record-valued keys are listed, not their entries).
    const shown = new Set(keysOf(parse(block), ''));
    const defaults = keysOf(configSchema.parse({}), '').filter((k) => !/^(tagAliases|storage)\./.test(k));
    expect(defaults.filter((k) => !shown.has(k))).toEqual([]);
    for (const key of ['site.baseUrl', 'storage.url', 'websub.hubs']) expect(shown.has(key), key).toBe(true);
  });

  it('holds no measured figure and no internal reference', () => {
    expect(README).not.toMatch(/\bissue \d+|\bprecision\b|\brecall\b|\bp99\b|\d+(\.\d+)?\s?%|articles\/s\b/i);
  });
});
