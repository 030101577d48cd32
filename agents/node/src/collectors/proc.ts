// Process memory, fds and threads from /proc (Linux), read as the Python
// agent's collectors/process.py reads them, on the same fixtures. Each
// reader takes its /proc root and pid and returns {} when a file is missing.
import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import path from 'node:path';

const KB = 1024;
export const TICKS_PER_SECOND = 100; // USER_HZ

// One buffer for every /proc and cgroup read: readFileSync costs an fstat and
// a fresh buffer per call, three times the kernel's own work on these files.
const buffer = Buffer.alloc(16 * 1024);

export function readText(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    let text = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      text += buffer.toString('latin1', 0, n);
      if (n < buffer.length) return text;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** When the process started, in Unix seconds: /proc/stat's btime plus stat's starttime. */
export function readStartTime(procRoot = '/proc', pid = 'self', ticks = TICKS_PER_SECOND): number | undefined {
  const text = readText(path.join(procRoot, pid, 'stat'));
  const boot = (readText(path.join(procRoot, 'stat')) ?? '').split('\n').find((l) => l.startsWith('btime '))?.split(' ')[1];
  if (!text || !text.includes(')') || !boot) return undefined;
  const started = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[19]);
  return Number.isFinite(started) && Number.isFinite(Number(boot)) ? Number(boot) + started / ticks : undefined;
}

const STATUS_FIELDS: Record<string, string> = { VmRSS: 'rss', VmSize: 'vms', VmHWM: 'peak_rss', RssAnon: 'rss_anon', RssFile: 'rss_file', VmSwap: 'swap' };

/** RSS, VMS, peak RSS (VmHWM), anon/file RSS and swap in bytes, and the thread count, from status (the kernel computes it all: slow rounds only). */
export function readStatus(procRoot = '/proc', pid = 'self'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (readText(path.join(procRoot, pid, 'status')) ?? '').split('\n')) {
    const [name, rest] = line.split(':', 2);
    const value = Number(rest?.trim().split(/\s+/)[0]);
    if (name && STATUS_FIELDS[name] && Number.isInteger(value)) out[STATUS_FIELDS[name]!] = value * KB;
    else if (name === 'Threads' && Number.isInteger(value)) out.threads = value;
  }
  return out;
}

/** PSS and USS in bytes. USS = private clean + private dirty: what exit would free. */
export function readSmapsRollup(procRoot = '/proc', pid = 'self'): { pss?: number; uss?: number } {
  const text = readText(path.join(procRoot, pid, 'smaps_rollup'));
  if (text === undefined) return {};
  const fields: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [name, rest] = line.split(':', 2);
    const value = Number(rest?.trim().split(/\s+/)[0]);
    if (name && rest !== undefined && Number.isInteger(value)) fields[name.trim()] = value * KB;
  }
  const out: { pss?: number; uss?: number } = {};
  if (fields.Pss !== undefined) out.pss = fields.Pss;
  if (fields.Private_Clean !== undefined && fields.Private_Dirty !== undefined) out.uss = fields.Private_Clean + fields.Private_Dirty + (fields.Private_Hugetlb ?? 0);
  return out;
}

/** The number of open fds: one readdir, every tick. */
export function countOpenFds(procRoot = '/proc', pid = 'self'): number | undefined {
  try {
    return readdirSync(path.join(procRoot, pid, 'fd')).length;
  } catch {
    return undefined;
  }
}

function fdKind(target: string): 'file' | 'socket' | 'pipe' | 'other' {
  if (target.startsWith('socket:')) return 'socket';
  if (target.startsWith('pipe:')) return 'pipe';
  if (target.startsWith('/') && !target.startsWith('/dev/')) return 'file';
  return 'other'; // anon_inode:[eventpoll], /dev/null, ttys...
}

/** Open fds by kind: a growing file or socket count is how unclosed handles show, long before the limit. */
export function readOpenFds(procRoot = '/proc', pid = 'self'): Record<string, number> {
  const dir = path.join(procRoot, pid, 'fd');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return {};
  }
  const counts = { file: 0, socket: 0, pipe: 0, other: 0 };
  for (const name of names) {
    try {
      counts[fdKind(readlinkSync(path.join(dir, name)))] += 1;
    } catch {
      // closed between readdir and readlink (our own readdir's fd, often)
    }
  }
  return counts;
}

/** The soft fd limit, from /proc/<pid>/limits. */
export function readMaxFds(procRoot = '/proc', pid = 'self'): number | undefined {
  const line = (readText(path.join(procRoot, pid, 'limits')) ?? '').split('\n').find((l) => l.startsWith('Max open files'));
  const value = Number(line?.slice('Max open files'.length).trim().split(/\s+/)[0]);
  return Number.isInteger(value) ? value : undefined;
}
