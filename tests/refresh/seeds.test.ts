// Seed folders through refreshSource: parsed off the main thread, skipped unread when unchanged,
// read again when the options they were read with change.
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { refreshSource } from '../../src/refresh.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { tempDir, writeTree } from '../helpers.js';

const work = new WorkerPool();
afterAll(() => work.close());

describe('a seed folder, refreshed again', () => {
  it('costs a stat per unchanged document, and reads every one again when the source changes', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'seeds/a.txt': 'First story.\n2024-01-01 10:00:00\n#one\n',
      'seeds/b.txt': 'Second story.\n2024-01-02 10:00:00\n#two\n',
      'seeds/bad.txt': 'A date that does not exist.\n2024-02-30 10:00:00\n#bad\n',
    });
    const store = new SqliteStore(join(dir, 't.db'));
    const config = (tags = '[]') =>
      parseConfig(`sources:\n  - {name: s, type: seeds, path: seeds, tags: ${tags}}\n`, join(dir, 't.yaml'));
    const refresh = (c = config()) => refreshSource(c.sources[0]!, { config: c, store, work, log: silentLogger });
    try {
      expect(await refresh()).toMatchObject({
        new: 2,
        updated: 0,
        unchanged: 0,
        refused: [{ file: join(dir, 'seeds/bad.txt') }],
      });
      const stamps = store.db.prepare('SELECT identity FROM documents ORDER BY identity').pluck().all();
      expect(stamps).toEqual(['a.txt', 'b.txt']); // the refused one is read (and refused) again
      expect(await refresh()).toMatchObject({
        new: 0,
        updated: 0,
        unchanged: 2,
        refused: [{ file: join(dir, 'seeds/bad.txt') }],
      });
      utimesSync(join(dir, 'seeds/a.txt'), new Date(2030, 0, 1), new Date(2030, 0, 1));
      expect(await refresh()).toMatchObject({ new: 0, updated: 0, unchanged: 2 });
      // A source tag changes every article: every document is read and parsed again.
      expect(await refresh(config('[local]'))).toMatchObject({ new: 0, updated: 2, unchanged: 0 });
      expect((await store.articles()).map((a) => a.tags.map((t) => t.slug))).toEqual([
        ['two', 'local'],
        ['one', 'local'],
      ]);
    } finally {
      await store.close();
    }
  });
});
