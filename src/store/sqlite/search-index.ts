// The full-text index (SQLite FTS5), written in batches rather than in each source's transaction:
// FTS5 writes a segment per transaction and merges segments as they pile up, which made a refresh
// of many small feeds cost more in the index than in everything else (4 ms per transaction of 5
// articles, 2 of them in the index). An article waiting for the index is listed in search_pending,
// in the same transaction as the article itself, so a crash loses nothing; its text waits in memory.
import { textOfSanitized } from '../../lib/html-text.js';
import type { Db } from './open.js';

export const SEARCH_BATCH = 1000;

/** What the index holds of an article's body: its plain text, else (an empty body) its summary. */
const searchText = (text: string, summary: string) => text || summary;

interface SearchRow {
  /** The article may have a row in the index already. */
  replace: boolean;
  title: string;
  /** Undefined when the article is gone. */
  text: string | undefined;
}

export class SearchIndex {
  private readonly waiting = new Map<number, SearchRow>();
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      insert: db.prepare('INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)'),
      delete: db.prepare('DELETE FROM articles_fts WHERE rowid = ?'),
      queue: db.prepare('INSERT OR IGNORE INTO search_pending (article) VALUES (?)'),
      pending: db.prepare('SELECT article FROM search_pending ORDER BY article').pluck(),
      clearPending: db.prepare('DELETE FROM search_pending'),
      unqueue: db.prepare('DELETE FROM search_pending WHERE article = ?'),
      row: db.prepare('SELECT title, content, summary FROM articles WHERE rowid = ?'),
    };
  }

  /** How many rows wait in this connection's memory. */
  get size(): number {
    return this.waiting.size;
  }

  /** Inside the article's own transaction: the article waits for the next batch. */
  queue(rowid: number, replace: boolean, title: string, text: string, summary: string): void {
    this.stmt.queue.run(rowid);
    this.waiting.set(rowid, { replace, title, text: searchText(text, summary) });
  }

  /** Inside a deletion's transaction: the article leaves the index, and the queue. */
  remove(rowid: number): void {
    this.stmt.delete.run(rowid);
    this.stmt.unqueue.run(rowid);
    this.waiting.delete(rowid);
  }

  /**
   * Writes the queued rows in one transaction: the rows this connection queued from memory, any
   * others (queued by another process, or before a crash) from the articles.
   */
  flush(): void {
    const rowids = this.stmt.pending.all() as number[];
    if (rowids.length) {
      this.db
        .transaction(() => {
          // Deletes first, then inserts: FTS5 writes its pending rows to disk when a statement
          // savepoint opens, and a batch written at once is one segment.
          const rows = rowids.map((rowid) => ({ rowid, ...(this.waiting.get(rowid) ?? this.stored(rowid)) }));
          for (const row of rows) if (row.replace) this.stmt.delete.run(row.rowid);
          for (const row of rows) if (row.text !== undefined) this.stmt.insert.run(row.rowid, row.title, row.text);
          this.stmt.clearPending.run();
        })
        .immediate();
    }
    this.waiting.clear();
  }

  /** A queued article's row, read back from the database (it may already be indexed). */
  private stored(rowid: number): SearchRow {
    const row = this.stmt.row.get(rowid) as { title: string; content: string; summary: string } | undefined;
    return {
      replace: true,
      title: row?.title ?? '',
      text: row ? searchText(textOfSanitized(row.content), row.summary) : undefined,
    };
  }
}
