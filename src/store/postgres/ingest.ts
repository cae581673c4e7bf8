// An ingest's writes in PostgreSQL, in two steps so that as little as possible runs while ingests
// wait for each other (see postgres-store.ts): planning writes each new article's row as a story
// of its own, with its tags, search vector and near-duplicate keys, in batches; writing then only
// records what dedupe decided (the story each new article joined, its canonical place) and the
// edits. Row values come from article-rows.ts, as SQLite's do.
import type pg from 'pg';
import { inWeek, weekOf } from '../../lib/lsh-keys.js';
import type { DocumentStamp, Entry, IngestCounts, StoryDecisions, Tag } from '../../model.js';
import {
  ENTRY_SETS,
  EDIT_SETS,
  INSERT_COLUMNS,
  STORY_COLUMNS,
  editValues,
  entryValues,
  insertValues,
  storyValues,
  type ColumnType,
} from '../article-rows.js';
import { settleCanonicalIn } from '../canonical.js';
import { distinctEntries, planIngest, type KnownArticle, type StorePlan } from '../plan-ingest.js';
import type { Retagged } from '../retag.js';
import { articleId, resolveStories } from '../rows.js';
import { mergeStories } from '../story-merges.js';
import { toTsvector } from '../search-query.js';
import { Spellings } from '../spellings.js';
import { numbered } from '../sql.js';
import { sqlOn } from './database.js';
import { indexKeys, unindex } from './story-index.js';

type Db = pg.Pool | pg.PoolClient;

/** The search vector: the title (weight A) and the text, else the summary (B). */
const searchOf = (e: Entry) => toTsvector(e.title, e.text || e.summary);

/** `INSERT … SELECT FROM unnest(…)`: one statement for a batch of rows. */
function unnestInsert(columns: readonly { name: string; type: ColumnType }[]): string {
  const names = columns.map((c) => c.name);
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`);
  return `INSERT INTO articles (${names.join(', ')}, search) SELECT ${names.join(', ')}, search::tsvector
    FROM unnest(${arrays.join(', ')}, $${columns.length + 1}::text[]) AS t(${names.join(', ')}, search) RETURNING rowid, id`;
}
const INSERT = unnestInsert(INSERT_COLUMNS);
const UPDATE = numbered(
  `UPDATE articles SET ${[...ENTRY_SETS, ...EDIT_SETS, 'search = ?::tsvector'].join(', ')} WHERE id = ?`,
);

/** Rows as columns: unnest's arrays. */
const transpose = (rows: unknown[][], width: number): unknown[][] =>
  Array.from({ length: width }, (_, i) => rows.map((r) => r[i]));

/** Plans, and writes each new entry as its own story (dedupe may move it to another in `recordStories`), its tags made first by `makeTags`. */
export async function planAndStore(
  db: Db,
  source: string,
  entries: readonly Entry[],
  now: Date,
  makeTags: (entries: Entry[]) => Promise<void>,
): Promise<StorePlan> {
  const last = distinctEntries(entries);
  const identities = last.map((e) => e.identity);
  const { rows: known } = await db.query<KnownArticle & { identity: string }>(
    'SELECT rowid, id, identity, content_hash, bands FROM articles WHERE source = $1 AND identity = ANY($2::text[])',
    [source, identities],
  );
  const fingerprints = last.flatMap((e) => (e.fingerprint ? [e.fingerprint.exact] : []));
  const { rows: dead } = await db.query<{ identity: string | null; fingerprint: string | null }>(
    'SELECT identity, NULL AS fingerprint FROM tombstones WHERE source = $1 AND identity = ANY($2::text[]) UNION ALL SELECT NULL, fingerprint FROM tombstones WHERE fingerprint = ANY($3::text[])',
    [source, identities, fingerprints],
  );
  const knownBy = new Map(known.map((r) => [r.identity, r]));
  const deadIds = new Set(dead.map((d) => d.identity));
  const deadPrints = new Set(dead.map((d) => d.fingerprint));
  const { plan, rehash } = planIngest(source, last, {
    known: (identity) => knownBy.get(identity),
    isTombstoned: (e) =>
      deadIds.has(e.identity) || (e.fingerprint !== undefined && deadPrints.has(e.fingerprint.exact)),
  });
  if (rehash.length)
    await db.query(
      'UPDATE articles a SET raw_hash = v.h, normalizer = v.n FROM unnest($1::bigint[], $2::text[], $3::int[]) v(r, h, n) WHERE a.rowid = v.r AND a.raw_hash IS DISTINCT FROM v.h',
      [rehash.map((r) => r.rowid), rehash.map((r) => r.rawHash), rehash.map((r) => r.normalizer)],
    );
  await makeTags([...plan.fresh, ...plan.edited]);
  if (plan.fresh.length) await insertFresh(db, source, plan.fresh, now);
  return plan;
}

/**
 * The index keys a new entry most likely gets (dedupe's indexKeys: its bands in the week of its
 * publication), written with its row before the lock; recordStories corrects the few that dedupe
 * decides otherwise (cross-source dedupe off: none).
 */
const likelyKeys = (e: Entry): number[] => inWeek(e.fingerprint?.bands ?? [], weekOf(e.published.getTime()));

async function insertFresh(db: Db, source: string, fresh: readonly Entry[], now: Date): Promise<void> {
  // Each row starts out a story of its own; dedupe may move it to another under the lock.
  const rows = fresh.map((entry) => insertValues({ source, entry, story: { keys: likelyKeys(entry) }, now }));
  const { rows: inserted } = await db.query<{ rowid: number; id: string }>(INSERT, [
    ...transpose(rows, INSERT_COLUMNS.length),
    fresh.map(searchOf),
  ]);
  const rowids = new Map(inserted.map((r) => [r.id, r.rowid]));
  const keyed = fresh.flatMap((e) =>
    likelyKeys(e).map((key) => [key, rowids.get(articleId(source, e.identity))!] as const),
  );
  await indexKeys(
    db,
    keyed.map((k) => k[0]),
    keyed.map((k) => k[1]),
  );
  await addTags(
    db,
    fresh.map((e) => articleId(source, e.identity)),
    fresh,
  );
}

/** What tags are written of: an entry, or a re-tagged article. */
type Tagged = { tags: readonly Tag[]; published: Date };

/** New tags are made in their own short transaction (on the pool), so that ingests of one new tag do not wait for each other's commit. */
export async function makeTags(db: Db, entries: readonly Tagged[]): Promise<void> {
  const tags = new Map(entries.flatMap((e) => e.tags.map((t) => [t.slug, t.label] as const)));
  if (tags.size)
    await db.query(
      'INSERT INTO tags (slug, label) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (slug) DO NOTHING',
      [[...tags.keys()], [...tags.values()]],
    );
}

async function addTags(db: Db, ids: readonly string[], entries: readonly Tagged[]): Promise<void> {
  const rows = entries.flatMap((e, i) =>
    e.tags.map((tag, position) => [ids[i], tag.slug, position, e.published.getTime(), tag.label]),
  );
  if (!rows.length) return;
  await db.query(
    'INSERT INTO article_tags (article_id, tag, position, published, label) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[])',
    transpose(rows, 5),
  );
  const spellings = new Spellings();
  for (const r of rows) spellings.add(r[1] as string, r[4] as string, 1);
  await countSpellings(db, spellings);
}

/**
 * Spelling counts are kept as changes, one row per ingest and spelling, summed when read: no row
 * is updated by every ingest of a common tag, so ingests never wait for each other on a count.
 */
async function countSpellings(db: Db, spellings: Spellings): Promise<void> {
  const changes = spellings.changes();
  if (changes.length)
    await db.query(
      'INSERT INTO tag_spellings (tag, label, n) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])',
      transpose(changes, 3),
    );
}

/** The label of a tag is its most frequent spelling: switched when overtaken (run at the end of an ingest: it updates tags' rows). */
async function relabel(db: Db, tags: readonly string[]): Promise<void> {
  if (!tags.length) return;
  await db.query(
    `UPDATE tags t SET label = best.label FROM (
       SELECT DISTINCT ON (tag) tag, label, n FROM (SELECT tag, label, sum(n) AS n FROM tag_spellings WHERE tag = ANY($1::text[]) GROUP BY tag, label) s
       ORDER BY tag, n DESC) best
     WHERE t.slug = best.tag AND t.label <> best.label
       AND best.n > coalesce((SELECT sum(n) FROM tag_spellings s WHERE s.tag = t.slug AND s.label = t.label), 0)`,
    [[...new Set(tags)]],
  );
}

/** Records what dedupe decided: the new articles' stories and index keys, and the edits. */
export async function recordStories(
  db: Db,
  plan: StorePlan,
  stories: StoryDecisions,
  now: Date,
): Promise<IngestCounts> {
  // Only the rows dedupe moved to another story, or gave other keys than their likely ones, change.
  const decided = resolveStories(plan.source, plan.fresh, stories.fresh);
  const fresh = plan.fresh.map((entry, i) => ({ source: plan.source, entry, story: decided[i]!, now }));
  const moved = fresh.filter((f) => f.story.match || f.story.keys.join() !== likelyKeys(f.entry).join());
  if (moved.length) {
    const ids = moved.map((f) => articleId(f.source, f.entry.identity));
    const names = STORY_COLUMNS.map((c) => c.name);
    const { rows } = await db.query<{ rowid: number; id: string }>(
      `UPDATE articles a SET ${names.map((n) => `${n} = t.${n}`).join(', ')}
       FROM unnest($1::text[], ${STORY_COLUMNS.map((c, i) => `$${i + 2}::${c.type}[]`).join(', ')}) AS t(id, ${names.join(', ')})
       WHERE a.id = t.id RETURNING a.rowid, a.id`,
      [ids, ...transpose(moved.map(storyValues), STORY_COLUMNS.length)],
    );
    const rowids = new Map(rows.map((r) => [r.id, r.rowid]));
    const sql = sqlOn(db);
    for (const [i, f] of moved.entries()) {
      if (f.story.match?.merges?.length) await mergeStories(sql, f.story.match, ids[i]!, now);
      else if (f.story.match) await settleCanonicalIn(sql, f.story.match.story, rowids.get(ids[i]!)!);
    }
    const rekeyed = moved
      .filter((f) => f.story.keys.join() !== likelyKeys(f.entry).join())
      .map((f) => rowids.get(articleId(f.source, f.entry.identity))!);
    if (rekeyed.length) await db.query('DELETE FROM lsh WHERE article = ANY($1::bigint[])', [rekeyed]);
    const keyed = moved.flatMap((f, i) =>
      rekeyed.includes(rowids.get(ids[i]!)!) ? f.story.keys.map((key) => [key, rowids.get(ids[i]!)!] as const) : [],
    );
    await indexKeys(
      db,
      keyed.map((k) => k[0]),
      keyed.map((k) => k[1]),
    );
  }
  await recordEdits(db, plan, stories.edited, now);
  await relabel(
    db,
    [...plan.fresh, ...plan.edited].flatMap((e) => e.tags.map((t) => t.slug)),
  );
  return { new: plan.fresh.length, updated: plan.edited.length, unchanged: plan.unchanged, keptOut: plan.keptOut };
}

async function recordEdits(db: Db, plan: StorePlan, keys: readonly number[][], now: Date): Promise<void> {
  const spellings = new Spellings();
  for (const [i, entry] of plan.edited.entries()) {
    const known = plan.known[i]!;
    await db.query(UPDATE, [...entryValues(entry), ...editValues(keys[i]!, now), searchOf(entry), known.id]);
    const { rows: old } = await db.query<{ tag: string; label: string }>(
      'DELETE FROM article_tags WHERE article_id = $1 RETURNING tag, label',
      [known.id],
    );
    for (const o of old) spellings.add(o.tag, o.label, -1);
    // The article's index keys follow its new text (an article left out of the index stays out).
    if (known.bands) {
      await unindex(db, known.rowid);
      await indexKeys(
        db,
        keys[i]!,
        keys[i]!.map(() => known.rowid),
      );
    }
  }
  await countSpellings(db, spellings);
  await addTags(
    db,
    plan.known.map((k) => k.id),
    plan.edited,
  );
}

/** Writes re-tagged articles' tags (retag.ts decided which): the old ones counted off, the new ones made, added and counted. */
export async function retag(db: Db, changed: readonly Retagged[]): Promise<void> {
  const ids = changed.map((a) => a.id);
  const { rows: old } = await db.query<{ tag: string; label: string }>(
    'DELETE FROM article_tags WHERE article_id = ANY($1::text[]) RETURNING tag, label',
    [ids],
  );
  const spellings = new Spellings();
  for (const o of old) spellings.add(o.tag, o.label, -1);
  await countSpellings(db, spellings);
  await makeTags(db, changed);
  await addTags(db, ids, changed);
  await dropUnusedTags(db, [
    ...new Set([...old.map((o) => o.tag), ...changed.flatMap((a) => a.tags.map((t) => t.slug))]),
  ]);
}

/**
 * After tags were taken off articles: tags no article has any more go, the touched tags' spelling
 * changes are summed into one row each (those of tags now gone, dropped), and labels follow.
 */
export async function dropUnusedTags(db: Db, touched: readonly string[]): Promise<void> {
  await db.query(
    'DELETE FROM tags t WHERE slug = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM article_tags WHERE tag = t.slug)',
    [touched],
  );
  await db.query(
    `WITH gone AS (DELETE FROM tag_spellings WHERE tag = ANY($1::text[]) RETURNING tag, label, n)
     INSERT INTO tag_spellings (tag, label, n) SELECT g.tag, g.label, sum(g.n) FROM gone g JOIN tags t ON t.slug = g.tag GROUP BY g.tag, g.label`,
    [touched],
  );
  await relabel(db, touched);
}

export async function recordDocuments(
  db: Db,
  source: string,
  stamps: readonly DocumentStamp[],
  options: string,
): Promise<void> {
  if (!stamps.length) return;
  await db.query(
    `INSERT INTO documents (source, identity, size, mtime, hash, options)
     SELECT $1, i, s, m, h, $6 FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[]) AS t(i, s, m, h)
     ON CONFLICT (source, identity) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash, options = excluded.options`,
    [
      source,
      stamps.map((s) => s.identity),
      stamps.map((s) => s.size),
      stamps.map((s) => s.mtime),
      stamps.map((s) => s.hash),
      options,
    ],
  );
}
