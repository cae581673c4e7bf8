// The shared store: PostgreSQL through node-postgres, for sites that outgrow one machine. Any
// number of workers and servers use one database: claims skip the rows other workers are claiming
// (FOR UPDATE SKIP LOCKED), servers hear of changes through LISTEN/NOTIFY, and ingests run side by
// side but for their story decisions (see ingest). The rules shared with SQLite live in
// base-store.ts and the modules beside it.
import type pg from 'pg';
import { describeDatabase } from '../../config/paths.js';
import type { Changes, Tag } from '../../model.js';
import { BaseStore } from '../base-store.js';
import { articleId } from '../rows.js';
import { CANONICAL_SQL } from '../canonical.js';
import type { StorePlan } from '../plan-ingest.js';
import { retaggedArticles } from '../retag.js';
import type { Sql } from '../sql.js';
import type { IngestTransaction, StoreStats } from '../store.js';
import { connect } from './connect.js';
import { PgDatabase, pgDialect, sqlOn } from './database.js';
import * as events from './events.js';
import {
  dropUnusedTags,
  makeTags,
  planAndStore,
  recordDocuments,
  recordStories,
  retag as writeTags,
} from './ingest.js';
import { migrate, SCHEMA_VERSION } from './migrations.js';
import { earliest, findByKeys } from './story-index.js';

/** The lock an ingest holds from its first story lookup to its commit: the story rules read and write one index. */
const STORY_LOCK = 0x73746f72; // "stor"
const CHANNEL = 'tidings_changes';

/** Time this process's ingests spent, and of it, time holding a lock that other ingests wait for. */
export interface LockTimes {
  ingestMs: number;
  heldMs: number;
  ingests: number;
}

export class PostgresStore extends BaseStore {
  private listener?: pg.PoolClient;
  private readonly pg: PgDatabase;
  /** See LockTimes; the benchmark reads it (`npm run bench -- postgres`). */
  readonly lockTimes: LockTimes = { ingestMs: 0, heldMs: 0, ingests: 0 };

  private constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
  ) {
    const database = new PgDatabase(pool);
    super(database, pgDialect(database));
    this.pg = database;
  }

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

  protected async bump(sql: Sql, seq: number, checked: number): Promise<void> {
    await sql.run(
      `WITH c AS (UPDATE changes SET seq = seq + ?, checked = checked + ? RETURNING seq, checked)
       SELECT pg_notify('${CHANNEL}', seq || ' ' || checked) FROM c`,
      [seq, checked],
    );
  }

  async changes(): Promise<Changes> {
    return (await this.pg.get<Changes>('SELECT seq, checked FROM changes'))!;
  }

  /** Calls `listener` whenever another process commits a change (LISTEN on the change sequence). */
  async watchChanges(listener: () => void): Promise<void> {
    this.listener ??= await this.pool.connect();
    this.listener.on('notification', (n) => n.channel === CHANNEL && listener());
    await this.listener.query(`LISTEN ${CHANNEL}`);
  }

  /**
   * One source's ingest in one transaction. Two workers ingesting at once could each miss the
   * other's uncommitted articles and split one story in two (or store a story's canonical article
   * twice), so the story decisions run under STORY_LOCK, from the first story lookup to the
   * commit. Everything else runs before it, side by side with other workers: planning writes each
   * new article as a story of its own, with its tags, search vector and spellings; under the lock
   * are only the lookups, the story each new article joins, its index keys, its event (assigned
   * after the write, which took the lock) and the edits. The unique (source, identity)
   * constraint keeps duplicate articles out whatever happens.
   */
  ingest<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    const started = performance.now();
    let locked: number | undefined;
    return this.pg
      .onClient(async (db) => {
        let changed = false;
        /** New articles written by planning whose story is not decided yet. */
        const pending = new Set<string>();
        const lock = async () => {
          if (locked !== undefined) return;
          await db.query('SELECT pg_advisory_xact_lock($1)', [STORY_LOCK]);
          locked = performance.now();
        };
        const tx: IngestTransaction = {
          plan: async (source, entries, now) => {
            const plan = await planAndStore(db, source, entries, now, (news) => makeTags(this.pool, news));
            for (const e of plan.fresh) pending.add(articleId(source, e.identity));
            return plan;
          },
          write: async (plan, stories, now) => {
            if (plan.fresh.length || plan.edited.length) {
              changed = true;
              await lock();
            }
            const counts = await recordStories(db, plan as StorePlan, stories, now);
            for (const e of plan.fresh) pending.delete(articleId(plan.source, e.identity));
            return counts;
          },
          findByLinks: async (links, except) => (
            links.length && (await lock()), earliest(db, 'link', links, except, [...pending])
          ),
          findByFingerprints: async (fingerprints, except) => (
            fingerprints.length && (await lock()), earliest(db, 'fingerprint', fingerprints, except, [...pending])
          ),
          findByKeys: async (keys, except) => (
            keys.length && (await lock()), findByKeys(db, keys, except, [...pending])
          ),
          articleIds: async (source, identities) => identities.map((identity) => articleId(source, identity)),
          eventsNamed: (names, since, limit) => events.eventsNamed(db, names, since, limit),
          eventsOf: (articles) => events.eventsOf(db, articles),
          saveEvents: (found, members) => events.saveEvents(db, found, members),
          recordDocuments: (source, stamps, options) => recordDocuments(db, source, stamps, options),
          pause: async () => undefined,
        };
        const result = await work(tx);
        if (changed) {
          locked ??= performance.now(); // the change sequence's row: held to the commit too
          await this.bump(sqlOn(db), 1, 0);
        }
        return result;
      })
      .finally(() => {
        const end = performance.now();
        this.lockTimes.ingestMs += end - started;
        if (locked !== undefined) this.lockTimes.heldMs += end - locked;
        this.lockTimes.ingests += 1;
      });
  }

  async flushSearch(): Promise<void> {
    // The index is written with each article: nothing waits.
  }

  /** Under the story lock, as deletions: an ingest's tags and spellings are not changed under it. */
  retagArticles(retag: (tags: Tag[]) => Tag[]): Promise<number> {
    return this.pg.onClient(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [STORY_LOCK]);
      const changed = await retaggedArticles(sqlOn(db), retag);
      if (!changed.length) return 0;
      await writeTags(db, changed);
      await this.bump(sqlOn(db), 1, 0);
      return changed.length;
    });
  }

  deleteArticles(ids: string[], now: Date, keepOut = true): Promise<number> {
    return this.pg.onClient(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [STORY_LOCK]);
      const sql = sqlOn(db);
      const { rows } = await db.query<{
        id: string;
        source: string;
        identity: string;
        fingerprint: string | null;
        story: string;
      }>('SELECT id, source, identity, fingerprint, story FROM articles WHERE id = ANY($1::text[])', [ids]);
      if (!rows.length) return 0;
      if (keepOut)
        await db.query(
          `INSERT INTO tombstones (source, identity, fingerprint, deleted_at) SELECT s, i, f, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(s, i, f)
         ON CONFLICT (source, identity) DO UPDATE SET deleted_at = excluded.deleted_at`,
          [rows.map((r) => r.source), rows.map((r) => r.identity), rows.map((r) => r.fingerprint), now.getTime()],
        );
      const { rows: old } = await db.query<{ tag: string; label: string }>(
        'DELETE FROM article_tags WHERE article_id = ANY($1::text[]) RETURNING tag, label',
        [rows.map((r) => r.id)],
      );
      if (old.length)
        await db.query(
          'INSERT INTO tag_spellings (tag, label, n) SELECT tag, label, -1 FROM unnest($1::text[], $2::text[]) AS t(tag, label)',
          [old.map((o) => o.tag), old.map((o) => o.label)],
        );
      await db.query('DELETE FROM articles WHERE id = ANY($1::text[])', [rows.map((r) => r.id)]);
      // Stories that lost their canonical article get a new one.
      for (const story of new Set(rows.map((r) => r.story))) await sql.run(CANONICAL_SQL.recompute, [story]);
      await dropUnusedTags(db, [...new Set(old.map((o) => o.tag))]);
      await this.bump(sql, 1, 0);
      return rows.length;
    });
  }

  async stats(): Promise<StoreStats> {
    const { articles, stories } = await this.storyCounts();
    const { bytes } = (await this.pg.get<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes'))!;
    return {
      articles,
      stories,
      mergedDuplicates: articles - stories,
      bytes,
      schemaVersion: SCHEMA_VERSION,
      location: this.where,
    };
  }

  async integrityCheck(): Promise<string> {
    // PostgreSQL checks its pages as it reads them; a query over every table is what is left to do.
    await this.pg.get(
      'SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM sources) + (SELECT count(*) FROM lsh) AS n',
    );
    return 'ok';
  }

  async close(): Promise<void> {
    this.listener?.release();
    this.listener = undefined;
    await this.pool.end();
  }
}
