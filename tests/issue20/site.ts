// A small site over a real socket for issue 20's tests: a store with the entries given, the
// daemon's handler and cache, and the configuration as YAML.
import { parseConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log.js';
import type { Entry } from '../../src/model.js';
import { storeEntries } from '../../src/refresh.js';
import { Metrics } from '../../src/serve/metrics.js';
import { createHandler, listen } from '../../src/serve/server.js';
import { SiteCache } from '../../src/serve/site-cache.js';
import { renderPath } from '../../src/site.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { finished } from '../helpers.js';
import { request, type Reply } from '../helpers-http.js';

export interface TestSite {
  config: Config;
  store: Store;
  get(url: string): Promise<Reply>;
  render(path: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** An entry with the fields a test names, finished as normalize finishes one. */
export function entry(fields: Partial<Entry> & { identity: string }): Entry {
  return finished({
    title: fields.identity,
    published: new Date('2024-01-18T08:30:00Z'),
    summary: 'A summary.',
    content: '<p>Text.</p>',
    tags: [],
    enclosures: [],
    ...fields,
  });
}

/** `sources` maps each source (configured as seeds) to its entries. */
export async function startSite(yaml: string, sources: Record<string, Entry[]>): Promise<TestSite> {
  const config = parseConfig(yaml, '/tmp/tidings.yaml');
  const store = await openStore(':memory:');
  let position = 0;
  for (const [name, entries] of Object.entries(sources)) {
    await store.upsertSource({ name, type: 'seeds', location: name }, new Date(), position++);
    await storeEntries(store, name, entries, new Date('2024-02-01T00:00:00Z'));
  }
  const ctx = { config, store, log: silentLogger, search: true };
  const cache = new SiteCache((path, limit) => renderPath(ctx, path, limit));
  const app = await listen(
    createHandler({
      cache,
      metrics: new Metrics(),
      log: silentLogger,
      maxAge: () => 900,
      feedSize: () => 50,
      databaseOk: async () => true,
      lastRefresh: () => undefined,
    }),
    '127.0.0.1',
    0,
  );
  return {
    config,
    store,
    get: (url) => request(app.url, { method: 'GET', url }),
    render: async (path) => (await renderPath(ctx, path))?.body,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
