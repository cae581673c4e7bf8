// An ingest's writes in SQLite, synchronous on the writer inside the ingest's transaction: the
// plan's lookups, the articles' rows (built by article-rows.ts), their tags and spellings, the
// full-text queue and the near-duplicate index. Deletions undo the same.
import type { DocumentStamp, Entry, IngestCounts, StoryDecisions, Tag } from '../../model.js';
import { ENTRY_SETS, EDIT_SETS, INSERT_COLUMNS, editValues, entryValues, insertValues } from '../article-rows.js';
import { CANONICAL_SQL, settleCanonical, type Rank } from '../canonical.js';
import { planIngest, type KnownArticle, type StorePlan } from '../plan-ingest.js';
import type { Retagged } from '../retag.js';
import { resolveStories } from '../rows.js';
import { Spellings } from '../spellings.js';
import type { Sql } from '../sql.js';
import { mergeStories } from '../story-merges.js';
import type { Db } from './open.js';
import type { SearchIndex } from './search-index.js';
import type { SqliteStoryIndex } from './story-index.js';

export class SqliteIngest {
  private readonly stmt;

  constructor(
    db: Db,
    private readonly stories: SqliteStoryIndex,
    private readonly searchIndex: SearchIndex,
    /** The writer as the shared layer's Sql, for story merges (rare: the rest is synchronous). */
    private readonly sql: Sql,
  ) {
    this.stmt = {
      known: db.prepare(
        'SELECT identity, rowid, id, content_hash, bands FROM articles WHERE source = ? AND identity IN (SELECT value FROM json_each(?))',
      ),
      tombstonedIds: db
        .prepare('SELECT identity FROM tombstones WHERE source = ? AND identity IN (SELECT value FROM json_each(?))')
        .pluck(),
      tombstonedPrints: db
        .prepare('SELECT fingerprint FROM tombstones WHERE fingerprint IN (SELECT value FROM json_each(?))')
        .pluck(),
      setRawHash: db.prepare('UPDATE articles SET raw_hash = ?, normalizer = ? WHERE rowid = ? AND raw_hash IS NOT ?'),
      insert: db.prepare(
        `INSERT INTO articles (${INSERT_COLUMNS.map((c) => c.name).join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`,
      ),
      update: db.prepare(`UPDATE articles SET ${[...ENTRY_SETS, ...EDIT_SETS].join(', ')} WHERE id = ?`),
      stamp: db.prepare(
        `INSERT INTO documents (source, identity, size, mtime, hash, options) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (source, identity) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash, options = excluded.options`,
      ),
      upsertTag: db.prepare('INSERT INTO tags (slug, label) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING'),
      clearTags: db.prepare('DELETE FROM article_tags WHERE article_id = ? RETURNING tag, label'),
      addTag: db.prepare(
        'INSERT INTO article_tags (article_id, tag, position, published, label) VALUES (?, ?, ?, ?, ?)',
      ),
      spell: db.prepare(
        'INSERT INTO tag_spellings (tag, label, n) VALUES (?, ?, ?) ON CONFLICT (tag, label) DO UPDATE SET n = n + excluded.n RETURNING n',
      ),
      relabel: db.prepare(
        `UPDATE tags SET label = @label WHERE slug = @tag AND label <> @label
           AND @n > coalesce((SELECT n FROM tag_spellings WHERE tag = @tag AND label = tags.label), 0)`,
      ),
      canonicalOf: db.prepare(CANONICAL_SQL.current),
      rank: db.prepare(CANONICAL_SQL.rank),
      setCanonical: db.prepare(CANONICAL_SQL.set),
      recompute: db.prepare(CANONICAL_SQL.recompute),
      findForDelete: db.prepare('SELECT rowid, id, source, identity, fingerprint, story FROM articles WHERE id = ?'),
      tombstone: db.prepare(
        'INSERT INTO tombstones (source, identity, fingerprint, deleted_at) VALUES (?, ?, ?, ?) ON CONFLICT (source, identity) DO UPDATE SET deleted_at = excluded.deleted_at',
      ),
      deleteArticle: db.prepare('DELETE FROM articles WHERE rowid = ?'),
      dropUnusedTags: db.prepare(
        'DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM article_tags WHERE tag = tags.slug)',
      ),
    };
  }

  /** The plan of a chunk, its lookups made in three queries for the whole chunk. */
  plan(source: string, entries: readonly Entry[]): StorePlan {
    const rows = this.stmt.known.all(source, JSON.stringify(entries.map((e) => e.identity))) as (KnownArticle & {
      identity: string;
    })[];
    const known = new Map(rows.map(({ identity, ...row }) => [identity, row]));
    const unknown = entries.filter((e) => !known.has(e.identity));
    const deadIds = new Set(
      unknown.length
        ? (this.stmt.tombstonedIds.all(source, JSON.stringify(unknown.map((e) => e.identity))) as string[])
        : [],
    );
    const prints = unknown.flatMap((e) => (e.fingerprint ? [e.fingerprint.exact] : []));
    const deadPrints = new Set(
      prints.length ? (this.stmt.tombstonedPrints.all(JSON.stringify(prints)) as string[]) : [],
    );
    const { plan, rehash } = planIngest(source, entries, {
      known: (identity) => known.get(identity),
      isTombstoned: (entry) =>
        deadIds.has(entry.identity) || (entry.fingerprint !== undefined && deadPrints.has(entry.fingerprint.exact)),
    });
    for (const { rowid, rawHash, normalizer } of rehash) this.stmt.setRawHash.run(rawHash, normalizer, rowid, rawHash);
    return plan;
  }

  async write(plan: StorePlan, stories: StoryDecisions, now: Date): Promise<IngestCounts> {
    const spellings = new Spellings();
    const fresh = resolveStories(plan.source, plan.fresh, stories.fresh);
    for (const [i, entry] of plan.fresh.entries()) {
      const story = fresh[i]!;
      const id = this.insert(plan.source, entry, story, now, spellings);
      if (story.match?.merges?.length) await mergeStories(this.sql, story.match, id, now);
    }
    plan.edited.forEach((entry, i) => this.update(entry, plan.known[i]!, stories.edited[i]!, now, spellings));
    this.settle(spellings);
    return { new: plan.fresh.length, updated: plan.edited.length, unchanged: plan.unchanged, keptOut: plan.keptOut };
  }

  recordDocuments(source: string, stamps: readonly DocumentStamp[], options: string): void {
    for (const d of stamps) this.stmt.stamp.run(source, d.identity, d.size, d.mtime, d.hash, options);
  }

  /** Writes re-tagged articles' tags (retag.ts decided which), their spellings and labels. */
  retag(changed: readonly Retagged[]): void {
    const spellings = new Spellings();
    for (const article of changed) {
      for (const old of this.stmt.clearTags.all(article.id) as { tag: string; label: string }[])
        spellings.add(old.tag, old.label, -1);
      this.addTags(article.id, article.tags, article.published.getTime(), spellings);
    }
    this.settle(spellings);
    this.stmt.dropUnusedTags.run();
  }

  /** Inserts a new article (its story settled, unless it merges stories: the caller does that); returns its id. */
  private insert(
    source: string,
    entry: Entry,
    story: StoryDecisions['fresh'][number],
    now: Date,
    spellings: Spellings,
  ): string {
    const values = insertValues({ source, entry, story, now });
    const id = values[0] as string;
    const rowid = Number(this.stmt.insert.run(...values).lastInsertRowid);
    this.searchIndex.queue(rowid, false, entry.title, entry.text, entry.summary);
    this.addTags(id, entry.tags, entry.published.getTime(), spellings);
    if (story.match && !story.match.merges?.length) this.settleCanonical(story.match.story, rowid);
    this.stories.index(rowid, story.keys);
    return id;
  }

  private update(entry: Entry, known: KnownArticle, keys: number[], now: Date, spellings: Spellings): void {
    this.stmt.update.run(...entryValues(entry), ...editValues(keys, now), known.id);
    for (const old of this.stmt.clearTags.all(known.id) as { tag: string; label: string }[])
      spellings.add(old.tag, old.label, -1);
    this.searchIndex.queue(known.rowid, true, entry.title, entry.text, entry.summary);
    this.addTags(known.id, entry.tags, entry.published.getTime(), spellings);
    // The article's index keys follow its new text (an article left out of the index stays out).
    if (known.bands) {
      this.stories.removeKeys(known.rowid, known.bands);
      this.stories.index(known.rowid, keys);
    }
  }

  private addTags(id: string, tags: Tag[], published: number, spellings: Spellings): void {
    tags.forEach((tag, position) => {
      if (!spellings.has(tag.slug)) this.stmt.upsertTag.run(tag.slug, tag.label);
      this.stmt.addTag.run(id, tag.slug, position, published, tag.label);
      spellings.add(tag.slug, tag.label, 1);
    });
  }

  private settle(spellings: Spellings): void {
    for (const [tag, label, delta] of spellings.changes()) {
      const { n } = this.stmt.spell.get(tag, label, delta) as { n: number };
      if (delta > 0) this.stmt.relabel.run({ tag, label, n });
    }
  }

  private settleCanonical(story: string, rowid: number): void {
    const current = this.stmt.canonicalOf.get(story, rowid) as Rank | undefined;
    const { canonical, demote } = settleCanonical(this.stmt.rank.get(rowid) as Rank, current);
    this.stmt.setCanonical.run(canonical ? 1 : 0, rowid);
    if (demote !== undefined) this.stmt.setCanonical.run(0, demote);
  }

  /** Deletes articles, leaving tombstones if `keepOut`; stories that lost their canonical article get a new one. */
  delete(ids: readonly string[], now: Date, keepOut: boolean): number {
    const spellings = new Spellings();
    const stories = new Set<string>();
    let deleted = 0;
    for (const id of ids) {
      const row = this.stmt.findForDelete.get(id) as
        | { rowid: number; id: string; source: string; identity: string; fingerprint: string | null; story: string }
        | undefined;
      if (!row) continue;
      if (keepOut) this.stmt.tombstone.run(row.source, row.identity, row.fingerprint, now.getTime());
      for (const old of this.stmt.clearTags.all(row.id) as { tag: string; label: string }[])
        spellings.add(old.tag, old.label, -1);
      this.stories.unindex(row.rowid);
      this.searchIndex.remove(row.rowid);
      this.stmt.deleteArticle.run(row.rowid);
      stories.add(row.story);
      deleted += 1;
    }
    this.settle(spellings);
    for (const story of stories) this.stmt.recompute.run(story);
    this.stmt.dropUnusedTags.run();
    return deleted;
  }
}
