// The shared store: PostgreSQL through node-postgres, for sites that outgrow one machine. Any
// number of workers and servers use one database. Ingests take one lock for the story rules (see
// ingest), claims skip the rows other workers are claiming (FOR UPDATE SKIP LOCKED), and servers
// hear of changes through LISTEN/NOTIFY.
import type pg from 'pg';
import { parseSearch, SEARCH_BUDGET_MS, searchTooSlow, toTsquery, toTsvector } from '../search-query.js';
import type { Article, Changes, DocumentStamp, Entry, EventCandidate, EventMembership, FetchState, Holder, IngestCounts, IngestPlan, StoryCandidate, StoryDecisions, StoryLink, StoryMatch, StoryMergeRecord, StoryRef, Tag } from '../../model.js';
import type {
  ArticleQuery,
  Claim,
  DuplicateGroup,
  FailureRecord,
  IngestTransaction,
  LeaseHolder,
  SearchFilters,
  ArticleFilter,
  RemovedSource,
  SourceRow,
  Store,
  StoreStats,
  SuccessRecord,
  TagCount,
  Wanted,
} from '../store.js';
import { describeDatabase } from '../../config/load-config.js';
import { articleId, CANONICAL_ORDER, groupTags, keysBlob, resolveStories, LIVE_ARTICLE, liveTagCounts, marksBlob, REMOVED_TAG_COUNTS, sameTags, shinglesBlob, toArticle, toCandidate, toState, type ArticleRow, type CandidateRow, type StateRow, type TagRow } from '../rows.js';
import * as events from './events.js';
import { connect } from './connect.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';

type Db = pg.Pool | pg.PoolClient;

/** Every ingest takes this lock for its whole transaction: the story rules read and write one index. */
const STORY_LOCK = 0x73746f72; // "stor"
const CHANNEL = 'tidings_changes';

const ARTICLE_COLUMNS = `a.id, a.source, a.identity, a.title, a.link, a.published, a.updated, a.author, a.summary, a.content,
  a.enclosures, a.language, a.content_hash, a.story, a.is_canonical,
  (SELECT json_agg(json_build_array(t.slug, t.label) ORDER BY at.position) FROM article_tags at JOIN tags t ON t.slug = at.tag
   WHERE at.article_id = a.id) AS tags`;

const STATE_SELECT = `SELECT s.*, (SELECT count(*)::int FROM articles a WHERE a.source = s.name) AS articles FROM sources s`;


/** What the full-text index holds of an article: its title (weight A) and its text, else its summary (B). */
interface Known {
  rowid: number;
  id: string;
  first_seen: number;
  bands: Buffer | null;
}

interface PostgresPlan extends IngestPlan {
  known: Known[];
}

export class PostgresStore implements Store {
  private listener?: pg.PoolClient;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
  ) {}

  /** Connects, and creates or upgrades the schema; a newer schema is refused. */
  static async open(url: string): Promise<PostgresStore> {
    const pool = await connect(url);
    const where = describeDatabase(url);
    try {
      await migrate(pool, where);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool, where);
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], db: Db = this.pool): Promise<R[]> {
    return (await db.query<R>(sql, params)).rows;
  }

  /** The rows of a full-text search, which PostgreSQL stops at the search's time budget. */
  private async searchRows(sql: string, params: unknown[]): Promise<ArticleRow[]> {
    try {
      return await this.transaction(async (db) => {
        await db.query(`SET LOCAL statement_timeout = ${SEARCH_BUDGET_MS}`);
        return (await db.query<ArticleRow>(sql, params)).rows;
      });
    } catch (err) {
      if ((err as { code?: string }).code === '57014') throw searchTooSlow(SEARCH_BUDGET_MS); // query_canceled
      throw err;
    }
  }

  /** Runs `work` in one transaction on one connection. */
  private async transaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private bump(db: Db, seq: number, checked: number): Promise<unknown> {
    return db.query(`WITH c AS (UPDATE changes SET seq = seq + $1, checked = checked + $2 RETURNING seq, checked)
      SELECT pg_notify('${CHANNEL}', seq || ' ' || checked) FROM c`, [seq, checked]);
  }

  async upsertSource(source: SourceRow, now: Date, position = 0): Promise<void> {
    // A changed configured location starts the fetch state afresh.
    await this.q(
      `INSERT INTO sources (name, type, location, created_at, position) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET type = excluded.type, location = excluded.location, position = excluded.position,
         url = CASE WHEN sources.location = excluded.location THEN sources.url END,
         etag = CASE WHEN sources.location = excluded.location THEN sources.etag END,
         last_modified = CASE WHEN sources.location = excluded.location THEN sources.last_modified END,
         gone = CASE WHEN sources.location = excluded.location THEN sources.gone ELSE false END`,
      [source.name, source.type, source.location, now.getTime(), position],
    );
  }

  async fetchState(name: string): Promise<FetchState | undefined> {
    const [row] = await this.q<StateRow>(`${STATE_SELECT} WHERE s.name = $1`, [name]);
    return row && toState(row);
  }

  async fetchStates(): Promise<FetchState[]> {
    return (await this.q<StateRow>(`${STATE_SELECT} ORDER BY s.name`)).map(toState);
  }

  recordSuccess(name: string, now: Date, r: SuccessRecord): Promise<void> {
    return this.transaction(async (db) => {
      await db.query(
        `UPDATE sources SET last_check = $2, last_success = $2, last_status = $3, last_error = NULL,
           consecutive_errors = 0, next_fetch = NULL,
           etag = CASE WHEN $3 = 304 THEN etag ELSE $4 END,
           last_modified = CASE WHEN $3 = 304 THEN last_modified ELSE $5 END,
           url = COALESCE($6, url),
           ttl_minutes = COALESCE($7, ttl_minutes),
           cache_until = $8,
           skip_hours = COALESCE($9, skip_hours), skip_days = COALESCE($10, skip_days),
           feed_title = COALESCE($11, feed_title), feed_link = COALESCE($12, feed_link),
           left_out_by_rules = COALESCE($13, left_out_by_rules)
         WHERE name = $1`,
        [
          name, now.getTime(), r.status ?? null, r.etag ?? null, r.lastModified ?? null, r.movedTo ?? null, r.ttlMinutes ?? null, r.cacheUntil?.getTime() ?? null,
          r.skipHours ? JSON.stringify(r.skipHours) : null, r.skipDays ? JSON.stringify(r.skipDays) : null, r.feedTitle ?? null, r.feedLink ?? null,
          r.leftOutByRules ?? null,
        ],
      );
      await this.bump(db, 0, 1);
    });
  }

  recordFailure(name: string, now: Date, r: FailureRecord): Promise<void> {
    return this.transaction(async (db) => {
      await db.query(
        `UPDATE sources SET last_check = $2, last_status = $3, last_error = $4,
           consecutive_errors = consecutive_errors + 1, next_fetch = $5, gone = gone OR $6
         WHERE name = $1`,
        [name, now.getTime(), r.status ?? null, r.error.split('\n')[0]!.slice(0, 500), r.retryAfter?.getTime() ?? null, Boolean(r.gone)],
      );
      await this.bump(db, 0, 1);
    });
  }

  enableSource(name: string): Promise<boolean> {
    return this.transaction(async (db) => {
      const { rowCount } = await db.query('UPDATE sources SET gone = false, consecutive_errors = 0, next_fetch = NULL, last_error = NULL WHERE name = $1', [name]);
      if (rowCount) await this.bump(db, 1, 0);
      return Boolean(rowCount);
    });
  }

  async documentStamps(source: string, options: string): Promise<Record<string, DocumentStamp>> {
    const rows = await this.q<DocumentStamp>('SELECT identity, size, mtime, hash FROM documents WHERE source = $1 AND options = $2', [source, options]);
    return Object.fromEntries(rows.map((d) => [d.identity, d]));
  }

  async changes(): Promise<Changes> {
    const [row] = await this.q<Changes>('SELECT seq, checked FROM changes');
    return row!;
  }

  async noteChange(): Promise<void> {
    await this.bump(this.pool, 1, 0);
  }

  /** Calls `listener` whenever another process commits a change (LISTEN on the change sequence). */
  async watchChanges(listener: () => void): Promise<void> {
    this.listener ??= await this.pool.connect();
    this.listener.on('notification', (n) => n.channel === CHANNEL && listener());
    await this.listener.query(`LISTEN ${CHANNEL}`);
  }

  shiftTimes(ms: number): Promise<void> {
    return this.transaction(async (db) => {
      await db.query(
        `UPDATE sources SET last_check = last_check + $1, last_success = last_success + $1, next_fetch = next_fetch + $1,
           cache_until = cache_until + $1, claimed_until = claimed_until + $1`,
        [ms],
      );
      await db.query('UPDATE leases SET expires = expires + $1', [ms]);
      await db.query('UPDATE host_slots SET until = until + $1', [ms]);
    });
  }

  async claimSources(holder: Holder, wanted: readonly Wanted[], limit: number, until: Date, now: Date): Promise<string[]> {
    if (!wanted.length || limit < 1) return [];
    // The candidates are locked as they are chosen; rows another worker is choosing are skipped.
    const rows = await this.q<{ name: string }>(
      `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::boolean[]) WITH ORDINALITY AS w(name, last_check, check_due, n)),
       chosen AS (
         SELECT s.name FROM sources s JOIN wanted w ON w.name = s.name
         WHERE (s.claimed_by IS NULL OR s.claimed_by = $4 OR s.claimed_until <= $5)
           AND (NOT w.check_due OR s.last_check IS NOT DISTINCT FROM w.last_check)
         ORDER BY w.n LIMIT $6
         FOR UPDATE OF s SKIP LOCKED)
       UPDATE sources s SET claimed_by = $4, claim_host = $7, claim_pid = $8, claim_started = $9, claimed_until = $10
       FROM chosen WHERE s.name = chosen.name RETURNING s.name`,
      [
        wanted.map((w) => w.name),
        wanted.map((w) => w.lastCheck?.getTime() ?? null),
        wanted.map((w) => w.lastCheck !== undefined),
        holder.name,
        now.getTime(),
        limit,
        holder.host,
        holder.pid,
        holder.started,
        until.getTime(),
      ],
    );
    const claimed = new Set(rows.map((r) => r.name));
    return wanted.map((w) => w.name).filter((n) => claimed.has(n));
  }

  async renewClaims(holder: string, until: Date): Promise<void> {
    await this.q('UPDATE sources SET claimed_until = $2 WHERE claimed_by = $1', [holder, until.getTime()]);
  }

  async releaseClaim(source: string, holder: string): Promise<void> {
    await this.q('UPDATE sources SET claimed_by = NULL, claim_host = NULL, claim_pid = NULL, claim_started = NULL, claimed_until = NULL WHERE name = $1 AND claimed_by = $2', [source, holder]);
  }

  async claimsOn(names: readonly string[], now: Date): Promise<Claim[]> {
    const rows = await this.q<{ name: string; claimed_by: string; claim_host: string | null; claim_pid: number | null; claim_started: number | null; claimed_until: number }>(
      'SELECT name, claimed_by, claim_host, claim_pid, claim_started, claimed_until FROM sources WHERE name = ANY($1::text[]) AND claimed_by IS NOT NULL AND claimed_until > $2',
      [names, now.getTime()],
    );
    return rows.map((r) => ({ source: r.name, holder: { name: r.claimed_by, host: r.claim_host ?? '', pid: r.claim_pid ?? 0, started: r.claim_started ?? 0 }, until: new Date(r.claimed_until) }));
  }

  async breakClaims(holder: string): Promise<number> {
    return this.transaction(async (db) => {
      // A fetch's place is held as "holder#n" (refresh.ts).
      await db.query("DELETE FROM host_slots WHERE left(holder, length($1) + 1) = $1 || '#'", [holder]);
      const { rowCount } = await db.query('UPDATE sources SET claimed_by = NULL, claim_host = NULL, claim_pid = NULL, claim_started = NULL, claimed_until = NULL WHERE claimed_by = $1', [holder]);
      return rowCount ?? 0;
    });
  }

  async takeHostSlot(host: string, slots: number, holder: string, until: Date, now: Date): Promise<number | undefined> {
    for (let slot = 0; slot < slots; slot += 1) {
      const rows = await this.q(
        `INSERT INTO host_slots (host, slot, holder, until) VALUES ($1, $2, $3, $4)
         ON CONFLICT (host, slot) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE host_slots.until <= $5 OR host_slots.holder = excluded.holder RETURNING slot`,
        [host, slot, holder, until.getTime(), now.getTime()],
      );
      if (rows.length) return slot;
    }
    return undefined;
  }

  async releaseHostSlot(host: string, slot: number, holder: string): Promise<void> {
    await this.q('DELETE FROM host_slots WHERE host = $1 AND slot = $2 AND holder = $3', [host, slot, holder]);
  }

  async acquireLease(name: string, holder: Holder, ttlMs: number, now: Date): Promise<boolean> {
    const rows = await this.q(
      `INSERT INTO leases (name, holder, host, pid, started, expires) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, started = excluded.started, expires = excluded.expires
       WHERE leases.holder = excluded.holder OR leases.expires <= $7 RETURNING name`,
      [name, holder.name, holder.host, holder.pid, holder.started, now.getTime() + ttlMs, now.getTime()],
    );
    return rows.length > 0;
  }

  async renewLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE leases SET expires = $3 WHERE name = $1 AND holder = $2', [name, holder, now.getTime() + ttlMs]);
    return Boolean(rowCount);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.q('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async leaseHolder(name: string, now: Date): Promise<LeaseHolder | undefined> {
    const [row] = await this.q<{ holder: string; host: string; pid: number; started: number; expires: number }>('SELECT holder, host, pid, started, expires FROM leases WHERE name = $1 AND expires > $2', [name, now.getTime()]);
    return row && { name: row.holder, host: row.host, pid: row.pid, started: row.started, expires: new Date(row.expires) };
  }

  async rawHashes(source: string): Promise<Record<string, string>> {
    const rows = await this.q<{ identity: string; raw_hash: string }>('SELECT identity, raw_hash FROM articles WHERE source = $1 AND raw_hash IS NOT NULL', [source]);
    return Object.fromEntries(rows.map((r) => [r.identity, r.raw_hash]));
  }

  /**
   * One source's ingest in one transaction, under STORY_LOCK: two workers ingesting at once could
   * otherwise each miss the other's uncommitted articles and split one story in two (or store a
   * story's canonical article twice). The lock makes that race impossible; it serializes only the
   * writing of ingests, while fetching, parsing and normalizing go on in parallel on every worker.
   * The unique (source, identity) constraint keeps duplicate articles out whatever happens.
   */
  ingest<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    return this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [STORY_LOCK]);
      let changed = false;
      const tx: IngestTransaction = {
        plan: (source, entries) => this.plan(db, source, entries),
        write: async (plan, stories, now) => {
          if (plan.fresh.length || plan.edited.length) changed = true;
          return this.write(db, plan as PostgresPlan, stories, now);
        },
        findByLinks: (links, except) => this.earliest(db, 'link', links, except),
        findByFingerprints: (fingerprints, except) => this.earliest(db, 'fingerprint', fingerprints, except),
        findByKeys: (keys, except) => this.findByKeys(db, keys, except),
        articleIds: async (source, identities) => identities.map((identity) => articleId(source, identity)),
        eventsNamed: (names, since, limit) => events.eventsNamed(db, names, since, limit),
        eventsOf: (articles) => events.eventsOf(db, articles),
        saveEvents: (found, members) => events.saveEvents(db, found, members),
        recordDocuments: async (source, stamps, options) => {
          if (!stamps.length) return;
          await db.query(
            `INSERT INTO documents (source, identity, size, mtime, hash, options)
             SELECT $1, i, s, m, h, $6 FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[]) AS t(i, s, m, h)
             ON CONFLICT (source, identity) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, hash = excluded.hash, options = excluded.options`,
            [source, stamps.map((s) => s.identity), stamps.map((s) => s.size), stamps.map((s) => s.mtime), stamps.map((s) => s.hash), options],
          );
        },
        pause: async () => undefined,
      };
      const result = await work(tx);
      if (changed) await this.bump(db, 1, 0);
      return result;
    });
  }

  private async plan(db: Db, source: string, entries: readonly Entry[]): Promise<PostgresPlan> {
    const plan: PostgresPlan = { source, fresh: [], edited: [], unchanged: 0, keptOut: 0, known: [] };
    // One entry per identity: the last one given wins.
    const last = [...new Map(entries.map((e) => [e.identity, e])).values()];
    const identities = last.map((e) => e.identity);
    const known = new Map(
      (await this.q<Known & { identity: string; content_hash: string }>('SELECT rowid, id, identity, content_hash, first_seen, bands FROM articles WHERE source = $1 AND identity = ANY($2::text[])', [source, identities], db)).map((r) => [r.identity, r]),
    );
    const fingerprints = last.flatMap((e) => (e.fingerprint ? [e.fingerprint.exact] : []));
    const tombstoned = new Set((await this.q<{ identity: string }>('SELECT identity FROM tombstones WHERE source = $1 AND identity = ANY($2::text[])', [source, identities], db)).map((r) => r.identity));
    const deadPrints = new Set((await this.q<{ fingerprint: string }>('SELECT fingerprint FROM tombstones WHERE fingerprint = ANY($1::text[])', [fingerprints], db)).map((r) => r.fingerprint));
    const rehash: [number, string][] = [];
    for (const entry of last) {
      const k = known.get(entry.identity);
      if (k?.content_hash === entry.contentHash) {
        if (entry.rawHash) rehash.push([k.rowid, entry.rawHash]);
        plan.unchanged += 1;
      } else if (k) {
        plan.edited.push(entry);
        plan.known.push(k);
      } else if (tombstoned.has(entry.identity) || (entry.fingerprint && deadPrints.has(entry.fingerprint.exact))) {
        // Deleted and purged articles stay deleted.
        plan.keptOut += 1;
      } else {
        plan.fresh.push(entry);
      }
    }
    if (rehash.length)
      await db.query('UPDATE articles a SET raw_hash = v.h FROM unnest($1::bigint[], $2::text[]) v(r, h) WHERE a.rowid = v.r AND a.raw_hash IS DISTINCT FROM v.h', [rehash.map((r) => r[0]), rehash.map((r) => r[1])]);
    return plan;
  }

  /** For each value of the column, the earliest published article of another source that has it. */
  private async earliest(db: Db, column: 'link' | 'fingerprint', values: readonly string[], except: string): Promise<Map<string, StoryRef>> {
    if (!values.length) return new Map();
    const rows = await this.q<{ value: string; id: string; story: string }>(
      `SELECT DISTINCT ON (${column}) ${column} AS value, id, story FROM articles WHERE ${column} = ANY($1::text[]) AND source <> $2 ORDER BY ${column}, published, id`,
      [values, except],
      db,
    );
    return new Map(rows.map((r) => [r.value, { id: r.id, story: r.story }]));
  }

  private async findByKeys(db: Db, keys: readonly number[], except: string): Promise<Map<number, StoryCandidate[]>> {
    const found = new Map<number, StoryCandidate[]>();
    if (!keys.length) return found;
    const rows = await this.q<CandidateRow & { key: number; rowid: number }>(
      `SELECT l.key, a.rowid, a.id, a.story, a.title, a.published, a.shingles, a.shingle_marks FROM lsh l JOIN articles a ON a.rowid = l.article
       WHERE l.key = ANY($1::bigint[]) AND a.source <> $2`,
      [keys, except],
      db,
    );
    const candidates = new Map<number, StoryCandidate>();
    for (const r of rows) {
      let c = candidates.get(r.rowid);
      if (!c) candidates.set(r.rowid, (c = toCandidate(r)));
      const list = found.get(r.key);
      if (list) list.push(c);
      else found.set(r.key, [c]);
    }
    return found;
  }

  private async write(db: Db, plan: PostgresPlan, stories: StoryDecisions, now: Date): Promise<IngestCounts> {
    const spellings = new Map<string, number>(); // "slug\nlabel" → change in count
    const spell = (tag: string, label: string, delta: number) => spellings.set(`${tag}\n${label}`, (spellings.get(`${tag}\n${label}`) ?? 0) + delta);
    const tagRows: { id: string; tag: Tag; position: number; published: number }[] = [];

    if (plan.fresh.length) {
      const fresh = resolveStories(plan.source, plan.fresh, stories.fresh);
      const rows = plan.fresh.map((entry, i) => {
        const id = articleId(plan.source, entry.identity);
        const { match, keys } = fresh[i]!;
        return { entry, id, match, keys };
      });
      const e = rows.map((r) => r.entry);
      const inserted = await this.q<{ rowid: number; id: string }>(
        `INSERT INTO articles (id, source, identity, title, link, published, updated, first_seen, author, summary, content, enclosures,
           language, content_hash, story, dedupe_rule, dedupe_of, dedupe_score, fingerprint, shingles, shingle_marks, bands, raw_hash, search)
         SELECT id, $1, identity, title, link, published, updated, $2, author, summary, content, enclosures, language, content_hash,
           story, rule, of, score, fingerprint, shingles, marks, bands, raw_hash, search::tsvector
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[],
           $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::float8[], $19::text[], $20::bytea[], $21::bytea[], $22::text[], $23::text[], $24::bytea[])
           AS t(id, identity, title, link, published, updated, author, summary, content, enclosures, language, content_hash, story, rule, of, score,
                fingerprint, shingles, bands, raw_hash, search, marks)
         RETURNING rowid, id`,
        [
          plan.source,
          now.getTime(),
          rows.map((r) => r.id),
          e.map((x) => x.identity),
          e.map((x) => x.title),
          e.map((x) => x.link ?? null),
          e.map((x) => x.published.getTime()),
          e.map((x) => (x.updated ?? x.published).getTime()),
          e.map((x) => x.author ?? null),
          e.map((x) => x.summary),
          e.map((x) => x.content),
          e.map((x) => JSON.stringify(x.enclosures)),
          e.map((x) => x.language ?? null),
          e.map((x) => x.contentHash),
          rows.map((r) => r.match?.story ?? r.id),
          rows.map((r) => r.match?.rule ?? null),
          rows.map((r) => r.match?.with ?? null),
          rows.map((r) => r.match?.score ?? null),
          e.map((x) => x.fingerprint?.exact ?? null),
          e.map((x) => shinglesBlob(x.fingerprint)),
          rows.map((r) => keysBlob(r.keys)),
          e.map((x) => x.rawHash ?? null),
          e.map((x) => toTsvector(x.title, x.text || x.summary)),
          e.map((x) => marksBlob(x.fingerprint)),
        ],
        db,
      );
      const rowids = new Map(inserted.map((r) => [r.id, r.rowid]));
      const lshKeys: number[] = [];
      const lshRows: number[] = [];
      for (const r of rows) {
        r.entry.tags.forEach((tag, position) => tagRows.push({ id: r.id, tag, position, published: r.entry.published.getTime() }));
        for (const key of r.keys) {
          lshKeys.push(key);
          lshRows.push(rowids.get(r.id)!);
        }
      }
      if (lshKeys.length) await db.query('INSERT INTO lsh (key, article) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING', [lshKeys, lshRows]);
      for (const r of rows) {
        if (r.match?.merges?.length) await this.mergeStories(db, r.match, r.id, now);
        else if (r.match) await this.settleCanonical(db, r.match, rowids.get(r.id)!);
      }
    }

    for (const [i, entry] of plan.edited.entries()) {
      const known = plan.known[i]!;
      const keys = stories.edited[i]!;
      await db.query(
        `UPDATE articles SET title = $2, link = $3, published = $4, updated = $5, author = $6, summary = $7, content = $8,
           enclosures = $9, language = $10, content_hash = $11, fingerprint = $12, shingles = $13,
           bands = CASE WHEN bands IS NULL THEN NULL ELSE $14::bytea END, raw_hash = $15, search = $16::tsvector, shingle_marks = $17
         WHERE id = $1`,
        [
          known.id,
          entry.title,
          entry.link ?? null,
          entry.published.getTime(),
          now.getTime(),
          entry.author ?? null,
          entry.summary,
          entry.content,
          JSON.stringify(entry.enclosures),
          entry.language ?? null,
          entry.contentHash,
          entry.fingerprint?.exact ?? null,
          shinglesBlob(entry.fingerprint),
          keysBlob(keys),
          entry.rawHash ?? null,
          toTsvector(entry.title, entry.text || entry.summary),
          marksBlob(entry.fingerprint),
        ],
      );
      for (const old of await this.q<{ tag: string; label: string }>('DELETE FROM article_tags WHERE article_id = $1 RETURNING tag, label', [known.id], db)) spell(old.tag, old.label, -1);
      entry.tags.forEach((tag, position) => tagRows.push({ id: known.id, tag, position, published: entry.published.getTime() }));
      // The article's index keys follow its new text (an article left out of the index stays out).
      if (known.bands) {
        await db.query('DELETE FROM lsh WHERE article = $1', [known.rowid]);
        if (keys.length) await db.query('INSERT INTO lsh (key, article) SELECT k, $2 FROM unnest($1::bigint[]) k ON CONFLICT DO NOTHING', [keys, known.rowid]);
      }
    }

    if (tagRows.length) {
      await db.query('INSERT INTO tags (slug, label) SELECT DISTINCT ON (s) s, l FROM unnest($1::text[], $2::text[]) AS t(s, l) ON CONFLICT (slug) DO NOTHING', [tagRows.map((r) => r.tag.slug), tagRows.map((r) => r.tag.label)]);
      await db.query('INSERT INTO article_tags (article_id, tag, position, published, label) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[])', [
        tagRows.map((r) => r.id),
        tagRows.map((r) => r.tag.slug),
        tagRows.map((r) => r.position),
        tagRows.map((r) => r.published),
        tagRows.map((r) => r.tag.label),
      ]);
      for (const r of tagRows) spell(r.tag.slug, r.tag.label, 1);
    }
    await this.respell(db, spellings);
    return { new: plan.fresh.length, updated: plan.edited.length, unchanged: plan.unchanged, keptOut: plan.keptOut };
  }

  /** The label of a tag is its most frequent spelling: counted per spelling, switched when overtaken. */
  private async respell(db: Db, spellings: Map<string, number>): Promise<void> {
    const changes = [...spellings].filter(([, d]) => d !== 0).map(([k, d]) => [...k.split('\n'), d] as [string, string, number]);
    if (!changes.length) return;
    await db.query(
      `INSERT INTO tag_spellings (tag, label, n) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
       ON CONFLICT (tag, label) DO UPDATE SET n = tag_spellings.n + excluded.n`,
      [changes.map((c) => c[0]), changes.map((c) => c[1]), changes.map((c) => c[2])],
    );
    const grown = [...new Set(changes.filter((c) => c[2] > 0).map((c) => c[0]))];
    await db.query(
      `UPDATE tags t SET label = best.label FROM (
         SELECT DISTINCT ON (tag) tag, label, n FROM tag_spellings WHERE tag = ANY($1::text[]) ORDER BY tag, n DESC) best
       WHERE t.slug = best.tag AND t.label <> best.label
         AND best.n > coalesce((SELECT n FROM tag_spellings s WHERE s.tag = t.slug AND s.label = t.label), 0)`,
      [grown],
    );
  }

  /** The stories a new article bridged go into the one it joined, and each merge is recorded. */
  private async mergeStories(db: Db, match: StoryMatch, article: string, now: Date): Promise<void> {
    for (const m of match.merges ?? []) {
      await db.query('UPDATE articles SET story = $1 WHERE story = $2', [match.story, m.merged]);
      await db.query('UPDATE story_merges SET story = $1 WHERE story = $2', [match.story, m.merged]);
      await db.query('INSERT INTO story_merges (story, merged, article, a, b, score, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        match.story,
        m.merged,
        article,
        m.a,
        m.b,
        m.score,
        now.getTime(),
      ]);
    }
    await db.query(
      `UPDATE articles o SET is_canonical = (o.id = (SELECT a.id FROM articles a JOIN sources s ON s.name = a.source
         WHERE a.story = o.story ${CANONICAL_ORDER} LIMIT 1)) WHERE o.story = $1`,
      [match.story],
    );
  }

  /** A new member of another source's story either becomes its canonical article (earlier, or tied and listed first) or not. */
  private async settleCanonical(db: Db, match: StoryMatch, rowid: number): Promise<void> {
    const rank = `SELECT a.rowid, a.published, s.position, a.id FROM articles a JOIN sources s ON s.name = a.source`;
    const [current] = await this.q<{ rowid: number; published: number; position: number; id: string }>(`${rank} WHERE a.story = $1 AND a.is_canonical AND a.rowid <> $2`, [match.story, rowid], db);
    const [mine] = await this.q<{ published: number; position: number; id: string }>(`${rank} WHERE a.rowid = $1`, [rowid], db);
    const first = !current || mine!.published < current.published || (mine!.published === current.published && (mine!.position < current.position || (mine!.position === current.position && mine!.id < current.id)));
    await db.query('UPDATE articles SET is_canonical = $1 WHERE rowid = $2', [first, rowid]);
    if (first && current) await db.query('UPDATE articles SET is_canonical = false WHERE rowid = $1', [current.rowid]);
  }

  async flushSearch(): Promise<void> {
    // The index is written with each article: nothing waits.
  }

  async article(id: string): Promise<Article | undefined> {
    const [row] = await this.q<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = $1`, [id]);
    return row && toArticle(row);
  }

  async contentByLink(link: string, exceptSource: string): Promise<string | undefined> {
    const [row] = await this.q<{ content: string }>('SELECT content FROM articles WHERE link = $1 AND source <> $2 ORDER BY length(content) DESC LIMIT 1', [link, exceptSource]);
    return row?.content;
  }

  async articles(query: ArticleQuery = {}): Promise<Article[]> {
    if (query.tag && query.stories) return this.tagStories(query.tag, query.limit, query.offset);
    const where: string[] = [];
    const params: unknown[] = [];
    let from = 'articles a';
    let order = 'a.published DESC, a.id';
    if (query.tag) {
      from = 'article_tags x JOIN articles a ON a.id = x.article_id';
      params.push(query.tag);
      where.push(`x.tag = $${params.length}`);
      order = 'x.published DESC, a.id';
    }
    if (query.source) {
      params.push(query.source);
      where.push(`a.source = $${params.length}`);
    } else where.push(LIVE_ARTICLE);
    if (query.stories) where.push('a.is_canonical');
    params.push(query.limit ?? null, query.offset ?? 0);
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`;
    return (await this.q<ArticleRow>(sql, params)).map(toArticle);
  }

  /** A tag's stories, newest first, each once: its canonical article when that carries the tag, else the newest of its articles that does. */
  private async tagStories(tag: string, limit?: number, offset = 0): Promise<Article[]> {
    const rows = await this.q<ArticleRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (a.story) ${ARTICLE_COLUMNS}, x.published AS at
         FROM article_tags x JOIN articles a ON a.id = x.article_id WHERE x.tag = $1 AND ${LIVE_ARTICLE}
         ORDER BY a.story, a.is_canonical DESC, x.published DESC, a.id) s
       ORDER BY s.at DESC, s.id LIMIT $2 OFFSET $3`,
      [tag, limit ?? null, offset],
    );
    return rows.map(toArticle);
  }

  async search(query: string, filters: SearchFilters = {}): Promise<Article[]> {
    const params: unknown[] = [toTsquery(parseSearch(query))];
    const where = ['a.search @@ $1::tsquery', LIVE_ARTICLE];
    if (filters.tag) {
      params.push(filters.tag);
      where.push(`EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag = $${params.length})`);
    }
    if (filters.source) {
      params.push(filters.source);
      where.push(`a.source = $${params.length}`);
    }
    if (filters.since) {
      params.push(filters.since.getTime());
      where.push(`a.published >= $${params.length}`);
    }
    params.push(filters.limit ?? 20);
    // Titles (A) weigh four times the text (B), as in SQLite's bm25, and (normalization 1) a long
    // text counts for less, as bm25 weighs length.
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE ${where.join(' AND ')}
      ORDER BY ts_rank('{0.1, 0.2, 0.25, 1.0}', a.search, $1::tsquery, 1) DESC, a.published DESC LIMIT $${params.length}`;
    return (await this.searchRows(sql, params)).map(toArticle);
  }

  async filterArticles(filter: ArticleFilter): Promise<Article[]> {
    const params: unknown[] = [];
    const where: string[] = [LIVE_ARTICLE];
    const match = filter.query === undefined ? undefined : toTsquery(parseSearch(filter.query));
    const not = (filter.not ?? []).map((q) => toTsquery(parseSearch(q)));
    if (match !== undefined) {
      params.push(match);
      where.push('a.search @@ $1::tsquery');
    }
    if (filter.tag !== undefined) {
      params.push(filter.tag);
      where.push(`EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag = $${params.length})`);
    }
    if (filter.tags?.length) {
      params.push([...filter.tags]);
      where.push(`EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag = ANY($${params.length}::text[]))`);
    }
    if (filter.source !== undefined) {
      params.push(filter.source);
      where.push(`a.source = $${params.length}`);
    }
    for (const q of not) {
      params.push(q);
      where.push(`NOT (a.search @@ $${params.length}::tsquery)`);
    }
    // The same ranking as search().
    const order = match !== undefined && filter.order !== 'newest' ? `ts_rank('{0.1, 0.2, 0.25, 1.0}', a.search, $1::tsquery, 1) DESC, a.published DESC, a.id` : 'a.published DESC, a.id';
    params.push(filter.limit ?? null, filter.offset ?? 0);
    const sql = `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`;
    const rows = match !== undefined || not.length ? await this.searchRows(sql, params) : await this.q<ArticleRow>(sql, params);
    return rows.map(toArticle);
  }

  async storyCarriers(ids: readonly string[]): Promise<Map<string, Article[]>> {
    const out = new Map<string, Article[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await this.q<ArticleRow & { of: string }>(
      `SELECT r.id AS of, ${ARTICLE_COLUMNS} FROM articles r JOIN articles a ON a.story = r.story WHERE r.id = ANY($1::text[]) ORDER BY a.published, a.id`,
      [[...ids]],
    );
    for (const row of rows) out.get(row.of)!.push(toArticle(row));
    return out;
  }

  async carriersOf(id: string): Promise<Article[]> {
    return (await this.q<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.story = (SELECT story FROM articles WHERE id = $1) ORDER BY a.published, a.id`, [id])).map(toArticle);
  }

  eventMemberships(ids: readonly string[]): Promise<Map<string, EventMembership>> {
    return events.memberships(this.pool, ids);
  }

  event(id: string): Promise<EventCandidate | undefined> {
    return events.eventById(this.pool, id);
  }

  async eventArticles(event: string, limit?: number, offset?: number): Promise<Article[]> {
    const ids = await events.members(this.pool, event, limit, offset);
    const rows = await this.q<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.id = ANY($1::text[]) AND ${LIVE_ARTICLE}`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, toArticle(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  latestEvents(minSize: number, limit: number): Promise<EventCandidate[]> {
    return events.latestEvents(this.pool, minSize, limit);
  }

  eventsBetween(from: Date, to: Date, limit: number): Promise<EventCandidate[]> {
    return events.eventsNear(this.pool, from, to, limit);
  }

  async storyMerges(story: string): Promise<StoryMergeRecord[]> {
    const rows = await this.q<Omit<StoryMergeRecord, 'at'> & { at: number }>('SELECT story, merged, article, a, b, score, at FROM story_merges WHERE story = $1 ORDER BY at', [story]);
    return rows.map((r) => ({ ...r, at: new Date(r.at) }));
  }

  async storyLink(id: string): Promise<StoryLink | undefined> {
    const [row] = await this.q<{ story: string; is_canonical: boolean; dedupe_rule: StoryLink['rule'] | null; dedupe_of: string | null; dedupe_score: number | null }>(
      'SELECT story, is_canonical, dedupe_rule, dedupe_of, dedupe_score FROM articles WHERE id = $1',
      [id],
    );
    return row && { story: row.story, canonical: row.is_canonical, rule: row.dedupe_rule ?? undefined, matchedWith: row.dedupe_of ?? undefined, score: row.dedupe_score ?? undefined };
  }

  async comparables(ids: readonly string[]): Promise<StoryCandidate[]> {
    const rows = await this.q<CandidateRow>('SELECT id, story, title, published, shingles, shingle_marks FROM articles WHERE id = ANY($1::text[])', [ids]);
    return ids.flatMap((id) => rows.filter((r) => r.id === id).map(toCandidate));
  }

  async comparablesNear(id: string, windowMs: number): Promise<StoryCandidate[]> {
    const rows = await this.q<CandidateRow>(
      `SELECT b.id, b.story, b.title, b.published, b.shingles, b.shingle_marks FROM articles a JOIN articles b
         ON b.published BETWEEN a.published - $2 AND a.published + $2 AND b.source <> a.source AND b.shingles IS NOT NULL
       WHERE a.id = $1`,
      [id, windowMs],
    );
    return rows.map(toCandidate);
  }

  async duplicateGroups(): Promise<DuplicateGroup[]> {
    const stories = await this.q<{ story: string }>('SELECT story FROM articles GROUP BY story HAVING count(*) > 1 ORDER BY max(published) DESC');
    const groups: DuplicateGroup[] = [];
    for (const { story } of stories) {
      const rows = await this.q<ArticleRow & { dedupe_rule: StoryLink['rule'] | null; dedupe_of: string | null; dedupe_score: number | null }>(
        `SELECT ${ARTICLE_COLUMNS}, a.dedupe_rule, a.dedupe_of, a.dedupe_score FROM articles a WHERE a.story = $1 ORDER BY a.is_canonical DESC, a.published, a.id`,
        [story],
      );
      groups.push({
        story,
        members: rows.map((r) => ({ article: toArticle(r), link: { story: r.story, canonical: Boolean(r.is_canonical), rule: r.dedupe_rule ?? undefined, matchedWith: r.dedupe_of ?? undefined, score: r.dedupe_score ?? undefined } })),
      });
    }
    return groups;
  }

  async tag(slug: string): Promise<Tag | undefined> {
    const [row] = await this.q<Tag>('SELECT slug, label FROM tags WHERE slug = $1', [slug]);
    return row;
  }

  async tagCounts(): Promise<TagCount[]> {
    // A tag's spellings count its articles: summed over a few rows per tag, not every article's tags.
    const counts = await this.q<TagCount>(
      'SELECT t.slug, t.label, sum(s.n)::int AS count FROM tag_spellings s JOIN tags t ON t.slug = s.tag GROUP BY t.slug, t.label HAVING sum(s.n) > 0 ORDER BY count DESC, t.slug',
    );
    return liveTagCounts(counts, await this.q<{ tag: string; n: string }>(REMOVED_TAG_COUNTS));
  }

  async changedSince(since: Date): Promise<{ sources: string[]; tags: string[] }> {
    const t = since.getTime();
    const sources = (await this.q<{ source: string }>('SELECT DISTINCT source FROM articles WHERE first_seen >= $1 OR updated >= $1', [t])).map((r) => r.source);
    const tags = (await this.q<{ tag: string }>('SELECT DISTINCT at.tag FROM article_tags at JOIN articles a ON a.id = at.article_id WHERE a.first_seen >= $1 OR a.updated >= $1', [t])).map((r) => r.tag);
    return { sources, tags };
  }

  async count(what: 'articles' | 'tags' | 'article_tags' | 'sources'): Promise<number> {
    const [row] = await this.q<{ n: number }>(`SELECT count(*)::int AS n FROM ${what}`);
    return row!.n;
  }

  async stats(): Promise<StoreStats> {
    const [row] = await this.q<{ articles: number; stories: number; bytes: number }>(
      `SELECT count(*)::int AS articles, count(*) FILTER (WHERE is_canonical)::int AS stories, pg_database_size(current_database()) AS bytes FROM articles a WHERE ${LIVE_ARTICLE}`,
    );
    return { articles: row!.articles, stories: row!.stories, mergedDuplicates: row!.articles - row!.stories, bytes: row!.bytes, schemaVersion: SCHEMA_VERSION, location: this.where };
  }

  async expiredArticles(retention: { maxAgeDays: number; maxPerSource: number }, now: Date): Promise<string[]> {
    const ids = new Set<string>();
    if (retention.maxAgeDays > 0) for (const r of await this.q<{ id: string }>('SELECT id FROM articles WHERE published < $1', [now.getTime() - retention.maxAgeDays * 86_400_000])) ids.add(r.id);
    if (retention.maxPerSource > 0)
      for (const r of await this.q<{ id: string }>('SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY source ORDER BY published DESC, id) AS n FROM articles) x WHERE n > $1', [retention.maxPerSource])) ids.add(r.id);
    return [...ids];
  }

  retagArticles(retag: (tags: Tag[]) => Tag[]): Promise<number> {
    return this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [STORY_LOCK]);
      const rows = await this.q<TagRow>('SELECT article_id AS id, tag AS slug, label, published FROM article_tags ORDER BY article_id, position', [], db);
      const spellings = new Map<string, number>();
      const spell = (tag: string, label: string, delta: number) => spellings.set(`${tag}\n${label}`, (spellings.get(`${tag}\n${label}`) ?? 0) + delta);
      const tagRows: { id: string; tag: Tag; position: number; published: number }[] = [];
      const changed: string[] = [];
      for (const [id, { tags, published }] of groupTags(rows)) {
        const next = retag(tags);
        if (sameTags(tags, next)) continue;
        changed.push(id);
        for (const t of tags) spell(t.slug, t.label, -1);
        next.forEach((tag, position) => (tagRows.push({ id, tag, position, published }), spell(tag.slug, tag.label, 1)));
      }
      if (!changed.length) return 0;
      await db.query('DELETE FROM article_tags WHERE article_id = ANY($1::text[])', [changed]);
      if (tagRows.length) {
        await db.query('INSERT INTO tags (slug, label) SELECT DISTINCT ON (s) s, l FROM unnest($1::text[], $2::text[]) AS t(s, l) ON CONFLICT (slug) DO NOTHING', [tagRows.map((r) => r.tag.slug), tagRows.map((r) => r.tag.label)]);
        await db.query('INSERT INTO article_tags (article_id, tag, position, published, label) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[])', [
          tagRows.map((r) => r.id),
          tagRows.map((r) => r.tag.slug),
          tagRows.map((r) => r.position),
          tagRows.map((r) => r.published),
          tagRows.map((r) => r.tag.label),
        ]);
      }
      await this.respell(db, spellings);
      await db.query('DELETE FROM tags t WHERE NOT EXISTS (SELECT 1 FROM article_tags WHERE tag = t.slug)');
      await this.bump(db, 1, 0);
      return changed.length;
    });
  }

  deleteArticles(ids: string[], now: Date, keepOut = true): Promise<number> {
    return this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [STORY_LOCK]);
      const rows = await this.q<{ id: string; source: string; identity: string; fingerprint: string | null; story: string }>(
        'SELECT id, source, identity, fingerprint, story FROM articles WHERE id = ANY($1::text[])',
        [ids],
        db,
      );
      if (!rows.length) return 0;
      if (keepOut) await db.query(
        `INSERT INTO tombstones (source, identity, fingerprint, deleted_at) SELECT s, i, f, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(s, i, f)
         ON CONFLICT (source, identity) DO UPDATE SET deleted_at = excluded.deleted_at`,
        [rows.map((r) => r.source), rows.map((r) => r.identity), rows.map((r) => r.fingerprint), now.getTime()],
      );
      const spellings = new Map<string, number>();
      for (const old of await this.q<{ tag: string; label: string }>('DELETE FROM article_tags WHERE article_id = ANY($1::text[]) RETURNING tag, label', [rows.map((r) => r.id)], db))
        spellings.set(`${old.tag}\n${old.label}`, (spellings.get(`${old.tag}\n${old.label}`) ?? 0) - 1);
      await this.respell(db, spellings);
      await db.query('DELETE FROM articles WHERE id = ANY($1::text[])', [rows.map((r) => r.id)]);
      // Stories that lost their canonical article get a new one.
      await db.query(
        `UPDATE articles a SET is_canonical = (a.id = (SELECT b.id FROM articles b JOIN sources s ON s.name = b.source
           WHERE b.story = a.story ORDER BY s.removed_at IS NOT NULL, b.published, s.position, b.id LIMIT 1)) WHERE a.story = ANY($1::text[])`,
        [[...new Set(rows.map((r) => r.story))]],
      );
      await db.query('DELETE FROM tags t WHERE NOT EXISTS (SELECT 1 FROM article_tags WHERE tag = t.slug)');
      await this.bump(db, 1, 0);
      return rows.length;
    });
  }

  retireSources(configured: readonly string[], now: Date): Promise<void> {
    return this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [STORY_LOCK]);
      const names = [...configured];
      const moved = [
        ...(await this.q<{ name: string }>('UPDATE sources SET removed_at = $2 WHERE removed_at IS NULL AND name <> ALL($1::text[]) RETURNING name', [names, now.getTime()], db)),
        ...(await this.q<{ name: string }>('UPDATE sources SET removed_at = NULL WHERE removed_at IS NOT NULL AND name = ANY($1::text[]) RETURNING name', [names], db)),
      ].map((r) => r.name);
      await db.query('DELETE FROM sources s WHERE removed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM articles WHERE source = s.name)');
      if (!moved.length) return;
      await db.query(
        `UPDATE articles o SET is_canonical = (o.id = (SELECT a.id FROM articles a JOIN sources s ON s.name = a.source WHERE a.story = o.story ${CANONICAL_ORDER} LIMIT 1))
         WHERE o.story IN (SELECT story FROM articles WHERE source = ANY($1::text[]))`,
        [moved],
      );
      await this.bump(db, 1, 0);
    });
  }

  async removedSources(): Promise<RemovedSource[]> {
    const rows = await this.q<{ name: string; removed_at: string; articles: number }>(
      'SELECT s.name, s.removed_at, (SELECT count(*)::int FROM articles a WHERE a.source = s.name) AS articles FROM sources s WHERE s.removed_at IS NOT NULL ORDER BY s.name',
    );
    return rows.map((r) => ({ name: r.name, removedAt: new Date(Number(r.removed_at)), articles: r.articles }));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.q<{ ok: number }>('SELECT 1 AS ok'))[0]?.ok === 1;
    } catch {
      return false;
    }
  }

  async integrityCheck(): Promise<string> {
    // PostgreSQL checks its pages as it reads them; a query over every table is what is left to do.
    await this.q('SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM sources) + (SELECT count(*) FROM lsh) AS n');
    return 'ok';
  }

  async close(): Promise<void> {
    this.listener?.release();
    this.listener = undefined;
    await this.pool.end();
  }
}

