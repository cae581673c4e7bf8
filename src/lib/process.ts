// Who this process is, in terms another process can check: host, pid and start time. A lease
// left by a process that is gone can then be taken over at once instead of after it expires.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessId {
  host: string;
  pid: number;
  /** When the process started (Linux: clock ticks after boot); 0 where it cannot be read. */
  started: number;
}

/** Field 22 of /proc/PID/stat, the process's start time; the name in field 2 may hold spaces. */
function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

export function thisProcess(): ProcessId {
  return { host: hostname(), pid: process.pid, started: startTime(process.pid) ?? 0 };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True only when the process is known to be gone: it ran on this host and no process has its pid,
 * or one does that started at another time (the pid was reused). Another host's process is never
 * known to be gone.
 */
export function isGone(p: ProcessId): boolean {
  if (p.host !== hostname()) return false;
  if (!isAlive(p.pid)) return true;
  const started = startTime(p.pid);
  return p.started !== 0 && started !== undefined && started !== p.started;
}
