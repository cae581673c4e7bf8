// The embedded store: SQLite through better-sqlite3. Its calls are synchronous underneath; the
// Store interface is asynchronous so that PostgreSQL can stand behind it too. The rules shared with
// PostgreSQL live in base-store.ts and the modules beside it; this class adds the ingest (written
// synchronously on the writer, for speed), the change sequence and what only SQLite knows.
import { existsSync, statSync } from 'node:fs';
import type { Changes, Tag } from '../../model.js';
import { BaseStore } from '../base-store.js';
import type { StorePlan } from '../plan-ingest.js';
import { retaggedArticles } from '../retag.js';
import { articleId } from '../rows.js';
import type { Sql } from '../sql.js';
import type { IngestTransaction, StoreStats } from '../store.js';
import { SqliteDatabase, sqliteDialect } from './database.js';
import { SqliteEvents } from './events.js';
import { SqliteIngest } from './ingest.js';
import { openDatabase, openReader, SCHEMA_VERSION, type Db } from './open.js';
import { OffThreadReads } from './off-thread-reads.js';
import { SEARCH_BATCH, SearchIndex } from './search-index.js';
import { SqliteStoryIndex } from './story-index.js';

export class SqliteStore extends BaseStore {
  /** For tests that look inside; nothing outside store/ touches it. */
  readonly db: Db;
  private readonly reader: Db;
  private readonly sqlite: SqliteDatabase;
  private readonly stories: SqliteStoryIndex;
  private readonly eventIndex: SqliteEvents;
  private readonly searchIndex: SearchIndex;
  private readonly writer: SqliteIngest;
  private readonly searches?: OffThreadReads;
  private readonly bumpSeq;
  /** The change sequence as last read, and the reader's data_version it was read at. */
  private seen?: { version: number; changes: Changes };

  constructor(
    private readonly file: string,
    db = openDatabase(file),
  ) {
    const reader = file === ':memory:' ? db : openReader(file);
    const sqlite = new SqliteDatabase(file, db, reader);
    const searchIndex = new SearchIndex(db);
    // Full-text searches, off the main thread (a database in memory has no other connection).
    const searches = file === ':memory:' ? undefined : new OffThreadReads(file);
    const read = <R>(sql: string, params: readonly unknown[]) =>
      searches ? searches.all<R>(sql, [...params]) : sqlite.all<R>(sql, params);
    super(
      sqlite,
      sqliteDialect(() => sqlite.exclusive(() => searchIndex.flush()), read),
    );
    this.searches = searches;
    this.db = db;
    this.reader = reader;
    this.sqlite = sqlite;
    this.searchIndex = searchIndex;
    this.stories = new SqliteStoryIndex(db);
    this.eventIndex = new SqliteEvents(db);
    this.writer = new SqliteIngest(db, this.stories, searchIndex, sqlite.writer);
    this.bumpSeq = db.prepare('UPDATE changes SET seq = seq + 1');
  }

  protected async bump(sql: Sql, seq: number, checked: number): Promise<void> {
    await sql.run('UPDATE changes SET seq = seq + ?, checked = checked + ?', [seq, checked]);
  }

  async changes(): Promise<Changes> {
    // data_version moves when another connection commits (this process's writer included): until
    // it does, the sequence read last is still right, and checking costs one pragma.
    const version = this.reader.pragma('data_version', { simple: true }) as number;
    if (this.seen?.version !== version || this.reader === this.db)
      this.seen = { version, changes: (await this.sqlite.get<Changes>('SELECT seq, checked FROM changes'))! };
    return this.seen.changes;
  }

  ingest<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    return this.sqlite.exclusive(async () => {
      let changed = false;
      const tx: IngestTransaction = {
        plan: async (source, entries) => this.writer.plan(source, entries),
        write: async (plan, stories, now) => {
          if (plan.fresh.length || plan.edited.length) changed = true;
          return await this.writer.write(plan as StorePlan, stories, now);
        },
        findByLinks: async (links, except) => this.stories.findByLinks(links, except),
        findByFingerprints: async (fingerprints, except) => this.stories.findByFingerprints(fingerprints, except),
        findByKeys: async (keys, except) => this.stories.findByKeys(keys, except),
        articleIds: async (source, identities) => identities.map((identity) => articleId(source, identity)),
        eventsNamed: async (names, since, limit) => this.eventIndex.named(names, since, limit),
        eventsOf: async (articles) => this.eventIndex.eventsOf(articles),
        saveEvents: async (found, members) => this.eventIndex.save(found, members),
        recordDocuments: async (source, stamps, options) => this.writer.recordDocuments(source, stamps, options),
        pause: () => new Promise<void>((ok) => setImmediate(ok)),
      };
      const result = await this.sqlite.inTransaction(async () => {
        const result = await work(tx);
        if (changed) this.bumpSeq.run();
        return result;
      });
      if (this.searchIndex.size >= SEARCH_BATCH) this.searchIndex.flush();
      return result;
    });
  }

  flushSearch(): Promise<void> {
    return this.sqlite.exclusive(() => this.searchIndex.flush());
  }

  retagArticles(retag: (tags: Tag[]) => Tag[]): Promise<number> {
    return this.sqlite.transaction(async (sql) => {
      const changed = await retaggedArticles(sql, retag);
      if (!changed.length) return 0;
      this.writer.retag(changed);
      await this.bump(sql, 1, 0);
      return changed.length;
    });
  }

  deleteArticles(ids: string[], now: Date, keepOut = true): Promise<number> {
    return this.sqlite.exclusive(async () => {
      const deleted = await this.sqlite.inTransaction(async () => {
        const deleted = this.writer.delete(ids, now, keepOut);
        if (deleted) this.bumpSeq.run();
        return deleted;
      });
      // The freed pages go back to the file system (a no-op in a database made before auto_vacuum).
      if (deleted) this.db.pragma('incremental_vacuum');
      return deleted;
    });
  }

  async stats(): Promise<StoreStats> {
    const counts = await this.storyCounts();
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    return {
      location: this.file,
      articles: counts.articles,
      stories: counts.stories,
      mergedDuplicates: counts.articles - counts.stories,
      bytes: this.file === ':memory:' ? 0 : size(this.file) + size(`${this.file}-wal`),
      schemaVersion: SCHEMA_VERSION,
    };
  }

  async integrityCheck(): Promise<string> {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  /** A database opened read-only (see openDatabase) serves the commands that read: it changes nothing. */
  override retireSources(configured: readonly string[], now: Date): Promise<void> {
    return this.db.readonly ? Promise.resolve() : super.retireSources(configured, now);
  }

  async close(): Promise<void> {
    await this.searches?.close();
    return this.sqlite.exclusive(() => {
      if (!this.db.open) return;
      if (this.searchIndex.size) this.searchIndex.flush();
      if (this.reader !== this.db) this.reader.close();
      this.db.close();
    });
  }
}
