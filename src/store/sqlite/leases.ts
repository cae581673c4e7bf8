// A lease row: one refresh at a time across processes (the daemon and `tidings refresh`). A holder
// renews it while it works; one left by a killed process expires by itself.
import type { LeaseHolder } from '../store.js';
import type { Db } from './open.js';

export class Leases {
  constructor(private readonly db: Db) {}

  /** Takes the lease when it is free, expired or already ours. */
  acquire(name: string, holder: string, ttlMs: number, now: Date): boolean {
    return this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT holder, expires FROM leases WHERE name = ?').get(name) as { holder: string; expires: number } | undefined;
        if (row && row.holder !== holder && row.expires > now.getTime()) return false;
        this.db
          .prepare('INSERT INTO leases (name, holder, pid, expires) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, expires = excluded.expires')
          .run(name, holder, process.pid, now.getTime() + ttlMs);
        return true;
      })
      .immediate();
  }

  /** Extends our lease; false when it is no longer ours. */
  renew(name: string, holder: string, ttlMs: number, now: Date): boolean {
    return this.db.prepare('UPDATE leases SET expires = ? WHERE name = ? AND holder = ?').run(now.getTime() + ttlMs, name, holder).changes > 0;
  }

  release(name: string, holder: string): void {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  holderOf(name: string, now: Date): LeaseHolder | undefined {
    const row = this.db.prepare('SELECT holder, pid, expires FROM leases WHERE name = ? AND expires > ?').get(name, now.getTime()) as
      | { holder: string; pid: number; expires: number }
      | undefined;
    return row && { holder: row.holder, pid: row.pid, expires: new Date(row.expires) };
  }
}
