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
      baseUrl: 'http://localhost:8080',
      itemsPerFeed: 50,
    });
    expect(config.sources[0]).toMatchObject({ timezone: 'UTC', titleFrom: 'hashtags', tags: [] });
    expect(Object.isFrozen(config.sources[0])).toBe(true);
  });

  it.each([
    ['site:\n  titel: x\n', '/etc/tidings.yaml: site.titel: unknown key'],
    ['sources:\n  - {name: a, type: seeds, path: p, timezone: Mars/Olympus}\n', 'sources[0].timezone: expected an IANA time zone'],
    ['sources:\n  - {name: A b, type: seeds, path: p}\n', 'sources[0].name: expected a slug'],
    ['sources:\n  - {name: a, type: gopher, path: p}\n', 'sources[0].type: expected type to be one of'],
    ['sources:\n  - {name: a, type: seeds}\n', 'sources[0].path:'],
    ['sources:\n  - {name: a, type: seeds, path: p}\n  - {name: a, type: seeds, path: q}\n', 'sources[1].name: duplicate source name "a"'],
    ['site:\n  itemsPerFeed: many\n', 'site.itemsPerFeed:'],
    ['site:\n  baseUrl: ftp://x\n', 'site.baseUrl: expected an http(s) URL'],
    ['site: [unclosed\n', '/etc/tidings.yaml:2:1: invalid YAML'],
  ])('refuses %j', (yaml, message) => {
    expect(() => parse(yaml)).toThrow(ConfigError);
    expect(() => parse(yaml)).toThrow(message);
  });

  it('resolves paths: flag, then environment, then default', () => {
    expect(resolvePaths({ db: '/a.db' }, { TIDINGS_DB: '/b.db' }).db).toBe('/a.db');
    expect(resolvePaths({}, { TIDINGS_DB: '/b.db', TIDINGS_CONFIG: '/c.yaml' })).toEqual({ db: '/b.db', config: '/c.yaml' });
    expect(resolvePaths({}, {}).config).toMatch(/feeds\/tidings\.yaml$/);
  });
});
