// Claims in SQLite: which process refreshes which source, until when; and the places for fetches
// from one host at once, shared by every process. Each call runs in its own short transaction.
import type { Holder } from '../../model.js';
import type { Claim, Wanted } from '../store.js';
import type { Db } from './open.js';

interface Row {
  name: string;
  claimed_by: string | null;
  claim_host: string | null;
  claim_pid: number | null;
  claim_started: number | null;
  claimed_until: number | null;
  last_check: number | null;
}

export class Claims {
  private readonly stmt;

  constructor(
    private readonly db: Db,
    reader: Db,
  ) {
    this.stmt = {
      row: db.prepare('SELECT name, claimed_by, claim_host, claim_pid, claim_started, claimed_until, last_check FROM sources WHERE name = ?'),
      take: db.prepare('UPDATE sources SET claimed_by = @name, claim_host = @host, claim_pid = @pid, claim_started = @started, claimed_until = @until WHERE name = @source'),
      renew: db.prepare('UPDATE sources SET claimed_until = ? WHERE claimed_by = ?'),
      release: db.prepare('UPDATE sources SET claimed_by = NULL, claim_host = NULL, claim_pid = NULL, claim_started = NULL, claimed_until = NULL WHERE name = ? AND claimed_by = ?'),
      break: db.prepare('UPDATE sources SET claimed_by = NULL, claim_host = NULL, claim_pid = NULL, claim_started = NULL, claimed_until = NULL WHERE claimed_by = ?'),
      // A fetch's place is held as "holder#n" (refresh.ts).
      breakSlots: db.prepare("DELETE FROM host_slots WHERE substr(holder, 1, length(@holder) + 1) = @holder || '#'"),
      live: reader.prepare('SELECT name, claimed_by, claim_host, claim_pid, claim_started, claimed_until, last_check FROM sources WHERE claimed_by IS NOT NULL AND claimed_until > ?'),
      slot: db.prepare(
        `INSERT INTO host_slots (host, slot, holder, until) VALUES (@host, @slot, @holder, @until)
         ON CONFLICT (host, slot) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE host_slots.until <= @now OR host_slots.holder = excluded.holder`,
      ),
      releaseSlot: db.prepare('DELETE FROM host_slots WHERE host = ? AND slot = ? AND holder = ?'),
      shift: db.prepare('UPDATE sources SET claimed_until = claimed_until + ? WHERE claimed_until IS NOT NULL'),
      shiftSlots: db.prepare('UPDATE host_slots SET until = until + ?'),
    };
  }

  claim(holder: Holder, wanted: readonly Wanted[], limit: number, until: Date, now: Date): string[] {
    return this.db
      .transaction(() => {
        const claimed: string[] = [];
        for (const w of wanted) {
          if (claimed.length >= limit) break;
          const row = this.stmt.row.get(w.name) as Row | undefined;
          if (!row) continue;
          if (row.claimed_by && row.claimed_by !== holder.name && (row.claimed_until ?? 0) > now.getTime()) continue;
          if (w.lastCheck !== undefined && row.last_check !== (w.lastCheck?.getTime() ?? null)) continue;
          this.stmt.take.run({ source: w.name, name: holder.name, host: holder.host, pid: holder.pid, started: holder.started, until: until.getTime() });
          claimed.push(w.name);
        }
        return claimed;
      })
      .immediate();
  }

  renew(holder: string, until: Date): void {
    this.stmt.renew.run(until.getTime(), holder);
  }

  release(source: string, holder: string): void {
    this.stmt.release.run(source, holder);
  }

  on(names: readonly string[], now: Date): Claim[] {
    const wanted = new Set(names);
    return (this.stmt.live.all(now.getTime()) as Row[])
      .filter((r) => wanted.has(r.name))
      .map((r) => ({ source: r.name, holder: { name: r.claimed_by!, host: r.claim_host ?? '', pid: r.claim_pid ?? 0, started: r.claim_started ?? 0 }, until: new Date(r.claimed_until!) }));
  }

  break(holder: string): number {
    return this.db.transaction(() => {
      this.stmt.breakSlots.run({ holder });
      return this.stmt.break.run(holder).changes;
    })();
  }

  takeSlot(host: string, slots: number, holder: string, until: Date, now: Date): number | undefined {
    return this.db
      .transaction(() => {
        for (let slot = 0; slot < slots; slot += 1) {
          if (this.stmt.slot.run({ host, slot, holder, until: until.getTime(), now: now.getTime() }).changes > 0) return slot;
        }
        return undefined;
      })
      .immediate();
  }

  releaseSlot(host: string, slot: number, holder: string): void {
    this.stmt.releaseSlot.run(host, slot, holder);
  }

  /** After the wall clock stepped by `ms`. */
  shift(ms: number): void {
    this.stmt.shift.run(ms);
    this.stmt.shiftSlots.run(ms);
  }
}
