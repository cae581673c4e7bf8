// Lease rows: one refresh at a time across processes (the daemon and `tidings refresh`). A holder
// renews its lease while it works; one left by a killed process expires by itself, or is broken at
// once by a process on the same host that sees the holder is gone.
import type { Holder } from '../../model.js';
import type { LeaseHolder } from '../store.js';
import type { Db } from './open.js';

interface Row {
  holder: string;
  host: string;
  pid: number;
  started: number;
  expires: number;
}

export class Leases {
  private readonly stmt;

  constructor(writer: Db, reader: Db) {
    this.stmt = {
      find: writer.prepare('SELECT holder, host, pid, started, expires FROM leases WHERE name = ?'),
      take: writer.prepare(
        `INSERT INTO leases (name, holder, host, pid, started, expires) VALUES (@name, @holder, @host, @pid, @started, @expires)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, started = excluded.started, expires = excluded.expires`,
      ),
      renew: writer.prepare('UPDATE leases SET expires = ? WHERE name = ? AND holder = ?'),
      release: writer.prepare('DELETE FROM leases WHERE name = ? AND holder = ?'),
      holderOf: reader.prepare('SELECT holder, host, pid, started, expires FROM leases WHERE name = ? AND expires > ?'),
      shift: writer.prepare('UPDATE leases SET expires = expires + ?'),
    };
  }

  /** Takes the lease when it is free, expired or already ours (the caller holds a transaction). */
  acquire(name: string, holder: Holder, ttlMs: number, now: Date): boolean {
    const row = this.stmt.find.get(name) as Row | undefined;
    if (row && row.holder !== holder.name && row.expires > now.getTime()) return false;
    this.stmt.take.run({ name, holder: holder.name, host: holder.host, pid: holder.pid, started: holder.started, expires: now.getTime() + ttlMs });
    return true;
  }

  /** Extends our lease; false when it is no longer ours. */
  renew(name: string, holder: string, ttlMs: number, now: Date): boolean {
    return this.stmt.renew.run(now.getTime() + ttlMs, name, holder).changes > 0;
  }

  /** Lets go of a lease, if `holder` still holds it. */
  release(name: string, holder: string): boolean {
    return this.stmt.release.run(name, holder).changes > 0;
  }

  holderOf(name: string, now: Date): LeaseHolder | undefined {
    const row = this.stmt.holderOf.get(name, now.getTime()) as Row | undefined;
    return row && { name: row.holder, host: row.host, pid: row.pid, started: row.started, expires: new Date(row.expires) };
  }

  /** After the wall clock stepped by `ms`: expiry times keep their distance from now. */
  shift(ms: number): void {
    this.stmt.shift.run(ms);
  }
}
