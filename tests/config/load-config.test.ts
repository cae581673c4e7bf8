import { describe, expect, it } from 'vitest';
import { parseConfig, resolvePaths } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

const parse = (yaml: string) => parseConfig(yaml, '/etc/tidings.yaml');

describe('loadConfig', () => {
  it('fills the defaults', () => {
    const config = parse('sources:\n  - {name: a, type: seeds, path: seeds}\n');
    expect(config.site).toEqual({
      title: 'Tidings',
      description: 'Articles gathered by Tidings',
      language: 'en',
      // No baseUrl: the daemon's feeds follow the address it listens on (siteBaseUrl).
      itemsPerFeed: 50,
      itemsPerPage: 20,
      minTagArticles: 2,
      timezone: 'UTC',
    });
    expect(config.sources[0]).toMatchObject({ timezone: 'UTC', titleFrom: 'hashtags', tags: [] });
    expect(Object.isFrozen(config.sources[0])).toBe(true);
  });

  it.each([
    ['site:\n  titel: x\n', '/etc/tidings.yaml: site.titel: unknown key'],
    [
      'sources:\n  - {name: a, type: seeds, path: p, timezone: Mars/Olympus}\n',
      'sources[0].timezone: expected an IANA time zone',
    ],
    ['sources:\n  - {name: A b, type: seeds, path: p}\n', 'sources[0].name: expected a slug'],
    ['sources:\n  - {name: a, type: gopher, path: p}\n', 'sources[0].type: expected type to be one of'],
    ['sources:\n  - {name: a, type: seeds}\n', 'sources[0].path: missing: expected text'],
    [
      'sources:\n  - {name: a, type: seeds, path: p}\n  - {name: a, type: seeds, path: q}\n',
      'sources[1].name: duplicate source name "a"',
    ],
    ['site:\n  itemsPerFeed: many\n', 'site.itemsPerFeed: expected a number, not "many"'],
    // Each message says what is expected, in words, never the schema library's own.
    ['fetch: {timeout: 20 seconds}\n', 'fetch.timeout: expected a duration of more than 0 such as 20s, 5m or 24h'],
    ['fetch: {timeout: 0}\n', 'fetch.timeout: expected more than 0, not 0'],
    ['fetch: {maxInterval: 0s}\n', 'fetch.maxInterval: expected a duration of more than 0'],
    // Issue 25: Node's timers hold 24.8 days; a longer timeout fired at once and failed every fetch.
    ['fetch: {timeout: 25d}\n', 'fetch.timeout: expected a duration of at most 24d (the longest a timer can wait)'],
    [
      'sources:\n  - {name: a, type: feed, url: "https://example.com/f", timeout: 25d}\n',
      'sources[0].timeout: expected a duration of at most 24d (the longest a timer can wait)',
    ],
    [
      'fetch: {connectTimeout: 2160000}\n',
      'fetch.connectTimeout: expected a duration of at most 24d (the longest a timer can wait)',
    ],
    ['fetch: {maxInterval: 1e300}\n', 'fetch.maxInterval: expected a duration of at most 3650d'],
    ['fetch: {maxBodySize: 10 megs}\n', 'fetch.maxBodySize: expected a size of more than 0 such as 512KiB or 10MiB'],
    [
      'sources:\n  - {name: a, type: seeds, path: p, tags: local}\n',
      'sources[0].tags: expected a list such as [a, b], not "local"',
    ],
    ['fetch: {perHost: 100}\n', 'fetch.perHost: expected at most 16, not 100'],
    ['fetch: {concurrency: 0}\n', 'fetch.concurrency: expected at least 1, not 0'],
    ['refreshOnStart: yes please\n', 'refreshOnStart: expected true or false, not "yes please"'],
    [
      'sources:\n  - {name: a, type: seeds, path: p, titleFrom: body}\n',
      'sources[0].titleFrom: expected one of: hashtags, first-sentence, not "body"',
    ],
    ['site: {itemsPerFeed: 2.5}\n', 'site.itemsPerFeed: expected a whole number, not 2.5'],
    ['sources: {a: 1}\n', 'sources: expected a list such as [a, b], not keys with values'],
    ['site:\n  baseUrl: ftp://x\n', 'site.baseUrl: expected an http(s) URL'],
    ['site: [unclosed\n', '/etc/tidings.yaml:2:1: invalid YAML'],
  ])('refuses %j', (yaml, message) => {
    expect(() => parse(yaml)).toThrow(ConfigError);
    expect(() => parse(yaml)).toThrow(message);
    expect(() => parse(yaml)).not.toThrow(/Invalid input|Too (big|small)|received|Invalid option/);
  });

  it('still reads a configuration with the dedupe keys of the rule before 0.2, with the new rule', () => {
    const config = parseConfig(
      'dedupe:\n  minShingles: 25\n  overlap: 0.6\n  titleSimilarity: 0.3\n  strongOverlap: 0.8\nsources: []\n',
      '/x/tidings.yaml',
    );
    expect(config.dedupe).toMatchObject({ minShared: 30, containment: 0.5, spread: 0.67, quoteWeight: 0.25 });
  });

  it('resolves paths: flag, then environment, then default', () => {
    expect(resolvePaths({ db: '/a.db' }, { TIDINGS_DB: '/b.db' }).db).toBe('/a.db');
    expect(resolvePaths({}, { TIDINGS_DB: '/b.db', TIDINGS_CONFIG: '/c.yaml' })).toEqual({
      db: '/b.db',
      config: '/c.yaml',
    });
    expect(resolvePaths({}, {}).config).toMatch(/feeds\/tidings\.yaml$/);
  });
});
