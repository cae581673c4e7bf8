// A configuration is validated once for its bytes; read commands then load no YAML parser nor schema library.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_KEPT, defaultConfig, readConfig } from '../../src/config/cached-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const YAML =
  'site: {title: Kept, itemsPerFeed: 30}\nfetch: {timeout: 20s, maxBodySize: 2MiB}\nsources:\n  - {name: a, type: feed, url: "https://example.org/feed.xml", tags: [x], schedule: "*/5 * * * *"}\n';

function setUp(text = YAML) {
  const dir = tempDir();
  const file = join(dir, 'tidings.yaml');
  writeFileSync(file, text);
  const cache = join(dir, 'cache');
  const kept = () => readdirSync(cache).filter((f) => f.endsWith('.json'));
  return { dir, file, cache, kept };
}

describe('readConfig', () => {
  it('returns what parseConfig returns, frozen, and keeps it', async () => {
    const { file, cache, kept } = setUp();
    const config = await readConfig(file, cache);
    expect(config).toEqual(parseConfig(YAML, file));
    expect(Object.isFrozen(config.site)).toBe(true);
    expect(kept()).toHaveLength(1);
    const again = await readConfig(file, cache);
    expect(again).toEqual(config);
    expect(Object.isFrozen(again.sources[0])).toBe(true);
  });

  it('reads the kept result while the file is unchanged, and validates afresh once it changes', async () => {
    const { file, cache, kept } = setUp();
    await readConfig(file, cache);
    // Mark the kept result: a read that returns the mark did not validate the file again.
    const entry = join(cache, kept()[0]!);
    writeFileSync(entry, readFileSync(entry, 'utf8').replace('"Kept"', '"From the cache"'));
    expect((await readConfig(file, cache)).site.title).toBe('From the cache');
    writeFileSync(file, YAML.replace('Kept', 'Edited'));
    expect((await readConfig(file, cache)).site.title).toBe('Edited');
    expect(kept()).toHaveLength(1);
  });

  it('refuses an invalid file every time, naming it, and keeps nothing of it', async () => {
    const { file, cache } = setUp('sources:\n  - {name: Bad Name, type: feed, url: "https://example.org/"}\n');
    for (let i = 0; i < 2; i += 1) await expect(readConfig(file, cache)).rejects.toThrow(ConfigError);
    await expect(readConfig(file, cache)).rejects.toThrow(file);
    expect(() => readdirSync(cache)).toThrow(/ENOENT/);
    await expect(readConfig(join(cache, 'missing.yaml'), cache)).rejects.toThrow(
      /cannot read the configuration \(ENOENT\)/,
    );
  });

  it('ignores a kept file that does not read back, and works without a cache folder', async () => {
    const { file, cache, kept } = setUp();
    await readConfig(file, cache);
    writeFileSync(join(cache, kept()[0]!), '{"key": "');
    expect((await readConfig(file, cache)).site.title).toBe('Kept');
    expect((await readConfig(file, undefined)).site.title).toBe('Kept');
    expect((await defaultConfig(file, cache)).sources).toEqual([]);
  });

  it(`keeps at most ${MAX_KEPT} configurations`, async () => {
    const { dir, cache, kept } = setUp();
    for (let i = 0; i < MAX_KEPT + 3; i += 1) {
      const file = join(dir, `c${i}.yaml`);
      writeFileSync(file, YAML);
      await readConfig(file, cache);
    }
    expect(kept()).toHaveLength(MAX_KEPT);
  });
});
