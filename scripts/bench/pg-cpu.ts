// CPU seconds used so far by the PostgreSQL backends serving one database,
// read from /proc (Linux). The benchmark reports it per million samples for
// the COPY and the HTTP rounds: where the two differ is where ingest makes
// the database work harder than a bare COPY does (it was how an upsert per
// request showed up). Empty off Linux.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux build Node supports

/** CPU seconds so far of each backend process serving `database`, by pid. */
export function backendCpu(database: string): Map<string, number> {
  const byPid = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return byPid;
  }
  for (const pid of pids) {
    try {
      // A backend's title: "postgres: <user> <database> <client> <state>".
      const title = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (!title.startsWith('postgres:') || !title.split(' ').includes(database)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND); // utime + stime
    } catch {
      // the process ended between listing and reading
    }
  }
  return byPid;
}

/** CPU seconds so far of one process, all its threads (a worker thread's included). */
export function processCpu(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0; // gone, or not Linux
  }
}

/**
 * CPU seconds the backends used between two readings. A backend that exited
 * in between is left out rather than subtracted; one that started counts whole.
 */
export function cpuBetween(before: Map<string, number>, after: Map<string, number>): number {
  let seconds = 0;
  for (const [pid, s] of after) seconds += s - (before.get(pid) ?? 0);
  return seconds;
}
