// What only the PostgreSQL store has: connection errors in one line and LISTEN/NOTIFY (concurrent.test.ts runs ingests from several connections on both stores).
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEntries } from '../../src/refresh.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { finished, runCli, tempDir, writeTree } from '../helpers.js';
import { freshDatabase, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../helpers-postgres.js';

const withPart = (url: string, change: (u: URL) => void) => {
  const u = new URL(url);
  change(u);
  return u.toString();
};

/** A loopback port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const entry = (identity: string, link: string, n: number) =>
  finished({
    identity,
    title: `Story ${n}`,
    link,
    published: new Date(Date.UTC(2025, 0, 1, 0, n)),
    summary: `Story ${n} as one source told it.`,
    content: `<p>Story ${n} as one source told it.</p>`,
    tags: [{ slug: 'news', label: 'News' }],
    enclosures: [],
  });

describe.skipIf(!POSTGRES_URL)(`PostgreSQL ${POSTGRES_SKIP_REASON}`.trim(), () => {
  const open: Store[] = [];
  const store = async (url: string) => {
    const s = await openStore(url);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  describe('a database it cannot use: one line naming the host and database, never the password, exit 2', () => {
    const config = () => {
      const dir = tempDir();
      writeTree(dir, { 'tidings.yaml': 'sources: []\n' });
      return join(dir, 'tidings.yaml');
    };
    const expectRefused = async (url: string, why: RegExp, where: string) => {
      const run = await runCli(['stats', '--config', config(), '--db', url]);
      expect(run.code).toBe(2);
      const lines = run.err.trim().split('\n');
      expect(lines, run.err).toHaveLength(1);
      expect(lines[0]).toMatch(why);
      expect(lines[0]).toContain(where);
      expect(run.err).not.toContain('s3cret');
      expect(run.err).not.toMatch(/\n\s+at /);
    };

    it('a wrong password', async () => {
      const url = withPart(POSTGRES_URL!, (u) => (u.password = 's3cret-wrong'));
      const u = new URL(url);
      await expectRefused(url, /wrong password for the user tidings/, `${u.host}/postgres`);
    });

    it('a server that is not there', async () => {
      const port = await closedPort();
      const url = withPart(POSTGRES_URL!, (u) => ((u.port = String(port)), (u.password = 's3cret')));
      await expectRefused(url, /nothing answers at 127\.0\.0\.1:\d+/, `127.0.0.1:${port}/postgres`);
    });

    it('a database that does not exist', async () => {
      const url = withPart(POSTGRES_URL!, (u) => (u.pathname = '/no_such_db'));
      await expectRefused(url, /the database no_such_db does not exist/, '/no_such_db');
    });
  });

  it('tells another connection of a change at once (LISTEN/NOTIFY)', async () => {
    const url = await freshDatabase();
    const [writer, reader] = [await store(url), await store(url)];
    let heard = 0;
    await reader.watchChanges!(() => (heard += 1));
    await writer.upsertSource({ name: 'x', type: 'feed', location: 'https://x.example/feed' }, new Date(), 0);
    await storeEntries(writer, 'x', [entry('x1', 'https://x.example/1', 1)], new Date());
    await expect.poll(() => heard, { timeout: 2000, interval: 20 }).toBeGreaterThan(0);
    expect((await reader.changes()).seq).toBe((await writer.changes()).seq);
  });

  it('doctor checks the database over the network', async () => {
    const url = await freshDatabase();
    const dir = tempDir();
    writeTree(dir, { 'tidings.yaml': 'sources: []\n' });
    const run = await runCli(['doctor', '--config', join(dir, 'tidings.yaml'), '--db', url]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/ok: database postgres:\/\/tidings@127\.0\.0\.1:\d+\/t_\w+: reachable, schema \d+/);
    expect(run.out).not.toContain(':tidings-test@');
  });
});
