// A database a newer Tidings wrote is refused on every store, and left as it was.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { runCli, tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';

/** Moves the recorded schema one step past what this Tidings knows; returns the version written. */
async function fromTheFuture(kind: 'sqlite' | 'postgres', location: string): Promise<number> {
  if (kind === 'sqlite') {
    const db = new Database(location);
    const version = (db.pragma('user_version', { simple: true }) as number) + 1;
    db.pragma(`user_version = ${version}`);
    db.close();
    return version;
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    return (
      await client.query<{ version: number }>('UPDATE tidings_schema SET version = version + 1 RETURNING version')
    ).rows[0]!.version;
  } finally {
    await client.end();
  }
}

forEachStore((kind) => {
  it('refuses a database a newer Tidings wrote, saying so in one line, and leaves it as it was', async () => {
    const location = await kind.location();
    await (await openStore(location)).close();
    const version = await fromTheFuture(kind.name, location);
    await expect(openStore(location)).rejects.toThrow(
      new RegExp(`written by a newer Tidings \\(schema ${version}, this one knows ${version - 1}\\)`),
    );
    const dir = tempDir();
    writeTree(dir, { 'tidings.yaml': 'sources: []\n' });
    const run = await runCli(['refresh', '--config', join(dir, 'tidings.yaml'), '--db', location]);
    expect(run.code).toBe(1);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    // Still the newer version: nothing was migrated down or over.
    await expect(openStore(location)).rejects.toThrow(/newer Tidings/);
  });
});
