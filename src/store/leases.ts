// Leases: a named presence one process holds until it expires (the daemon's, which `tidings
// refresh --wait`, `migrate` and `tell` look for). A lease left by a killed process runs out by
// itself. Refreshes themselves are not leased: per-source claims (claims.ts) keep two processes
// from fetching one source.
import type { Holder } from '../model.js';
import type { Database } from './sql.js';
import type { LeaseHolder } from './store.js';

export class Leases {
  constructor(private readonly db: Database) {}

  /** Takes the lease when it is free, expired or already ours. */
  async acquire(name: string, holder: Holder, ttlMs: number, now: Date): Promise<boolean> {
    const taken = await this.db.run(
      `INSERT INTO leases (name, holder, host, pid, started, expires) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, started = excluded.started, expires = excluded.expires
       WHERE leases.holder = excluded.holder OR leases.expires <= ?`,
      [name, holder.name, holder.host, holder.pid, holder.started, now.getTime() + ttlMs, now.getTime()],
    );
    return taken > 0;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.run('DELETE FROM leases WHERE name = ? AND holder = ?', [name, holder]);
  }

  async holderOf(name: string, now: Date): Promise<LeaseHolder | undefined> {
    const row = await this.db.get<{ holder: string; host: string; pid: number; started: number; expires: number }>(
      'SELECT holder, host, pid, started, expires FROM leases WHERE name = ? AND expires > ?',
      [name, now.getTime()],
    );
    return (
      row && { name: row.holder, host: row.host, pid: row.pid, started: row.started, expires: new Date(row.expires) }
    );
  }
}
