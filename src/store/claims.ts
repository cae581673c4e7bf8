// Claims: which process refreshes which source, until when; and the places for fetches from one
// host at once, shared by every process. The rules are here once; a dialect only says how it
// locks the rows a claimer considers (PostgreSQL skips rows another worker is claiming).
import type { Holder } from '../model.js';
import type { Database, Dialect } from './sql.js';
import type { Claim, Wanted } from './store.js';

interface ClaimRow {
  name: string;
  claimed_by: string | null;
  claim_host: string | null;
  claim_pid: number | null;
  claim_started: number | null;
  claimed_until: number | null;
}

const CLAIM_COLUMNS = 'name, claimed_by, claim_host, claim_pid, claim_started, claimed_until';
const UNCLAIM =
  'UPDATE sources SET claimed_by = NULL, claim_host = NULL, claim_pid = NULL, claim_started = NULL, claimed_until = NULL';

const toClaim = (r: ClaimRow): Claim => ({
  source: r.name,
  holder: { name: r.claimed_by!, host: r.claim_host ?? '', pid: r.claim_pid ?? 0, started: r.claim_started ?? 0 },
  until: new Date(r.claimed_until!),
});

export class Claims {
  constructor(
    private readonly db: Database,
    private readonly dialect: Dialect,
  ) {}

  /**
   * See Store.claimSources. One statement: of the wanted sources, in their order, those no one else
   * holds (or whose claim ran out) and, where the claimer gave a last check, still checked last
   * then; rows another process is claiming are skipped where the dialect can (PostgreSQL).
   */
  async claim(holder: Holder, wanted: readonly Wanted[], limit: number, until: Date, now: Date): Promise<string[]> {
    if (!wanted.length || limit < 1) return [];
    const rows = await this.db.write<{ name: string }>(
      `WITH wanted AS (${this.dialect.wanted.table}),
       chosen AS (
         SELECT s.name FROM sources s JOIN wanted w ON w.name = s.name
         WHERE (s.claimed_by IS NULL OR s.claimed_by = ? OR s.claimed_until <= ?)
           AND (NOT w.check_due OR s.last_check IS NOT DISTINCT FROM w.last_check)
         ORDER BY w.n LIMIT ?${this.dialect.skipLocked})
       UPDATE sources SET claimed_by = ?, claim_host = ?, claim_pid = ?, claim_started = ?, claimed_until = ?
       WHERE name IN (SELECT name FROM chosen) RETURNING name`,
      [
        ...this.dialect.wanted.params(wanted),
        holder.name,
        now.getTime(),
        limit,
        holder.name,
        holder.host,
        holder.pid,
        holder.started,
        until.getTime(),
      ],
    );
    const claimed = new Set(rows.map((r) => r.name));
    return wanted.map((w) => w.name).filter((n) => claimed.has(n));
  }

  async renew(holder: string, until: Date): Promise<void> {
    await this.db.run('UPDATE sources SET claimed_until = ? WHERE claimed_by = ?', [until.getTime(), holder]);
  }

  async release(source: string, holder: string): Promise<void> {
    await this.db.run(`${UNCLAIM} WHERE name = ? AND claimed_by = ?`, [source, holder]);
  }

  async on(names: readonly string[], now: Date): Promise<Claim[]> {
    const wanted = new Set(names);
    const rows = await this.db.all<ClaimRow>(
      `SELECT ${CLAIM_COLUMNS} FROM sources WHERE claimed_by IS NOT NULL AND claimed_until > ?`,
      [now.getTime()],
    );
    return rows.filter((r) => wanted.has(r.name)).map(toClaim);
  }

  /** Drops every claim of `holder`, and the host places its fetches held (as "holder#…", claims/host-places.ts). */
  break(holder: string): Promise<number> {
    return this.db.transaction(async (sql) => {
      await sql.run(
        "DELETE FROM host_slots WHERE substr(holder, 1, length(CAST(? AS TEXT)) + 1) = CAST(? AS TEXT) || '#'",
        [holder, holder],
      );
      return sql.run(`${UNCLAIM} WHERE claimed_by = ?`, [holder]);
    });
  }

  /** One of `slots` places for fetching from `host`: the first free, run out, or already ours. */
  async takeSlot(host: string, slots: number, holder: string, until: Date, now: Date): Promise<number | undefined> {
    for (let slot = 0; slot < slots; slot += 1) {
      const taken = await this.db.run(
        `INSERT INTO host_slots (host, slot, holder, until) VALUES (?, ?, ?, ?)
         ON CONFLICT (host, slot) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE host_slots.until <= ? OR host_slots.holder = excluded.holder`,
        [host, slot, holder, until.getTime(), now.getTime()],
      );
      if (taken > 0) return slot;
    }
    return undefined;
  }

  async releaseSlot(host: string, slot: number, holder: string): Promise<void> {
    await this.db.run('DELETE FROM host_slots WHERE host = ? AND slot = ? AND holder = ?', [host, slot, holder]);
  }
}
