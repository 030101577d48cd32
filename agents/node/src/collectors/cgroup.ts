// Container memory from the process's cgroup (v2 or v1): usage, limit and OOM
// kills. The limit is what the kernel kills at, so "time to limit" is measured
// against it. Same logic and fixtures as the Python agent's collectors/cgroup.py.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { readText } from './proc.js';

// cgroup v1 reports "no limit" as a huge page-aligned number (2^63 - 4096 on x86-64).
const V1_UNLIMITED = 2 ** 62;
const FILES = {
  2: ['memory.current', 'memory.max', 'memory.events'],
  1: ['memory.usage_in_bytes', 'memory.limit_in_bytes', 'memory.oom_control'],
} as const;

function readInt(file: string): number | undefined {
  const text = readText(file)?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
}

function keyed(file: string, key: string): number | undefined {
  for (const line of (readText(file) ?? '').split('\n')) {
    const [name, value] = line.split(' ', 2);
    if (name === key && value && /^\d+$/.test(value.trim())) return Number(value);
  }
  return undefined;
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Inside a container the cgroup namespace often hides the path: the process's own cgroup is then mounted at the root. */
function existingDir(root: string, rel: string): string | undefined {
  return [path.join(root, rel.replace(/^\/+/, '')), root].find(isDir);
}

function memoryDir(procRoot: string, pid: string, cgroupRoot: string): { version: 1 | 2; dir: string } | undefined {
  let v2: string | undefined;
  let v1: string | undefined;
  for (const line of (readText(path.join(procRoot, pid, 'cgroup')) ?? '').split('\n')) {
    const parts = line.split(':');
    if (parts.length < 3) continue;
    const rel = parts.slice(2).join(':');
    if (parts[0] === '0' && parts[1] === '') v2 = rel;
    else if (parts[1]!.split(',').includes('memory')) v1 = rel;
  }
  if (v2 !== undefined) {
    const dir = existingDir(cgroupRoot, v2);
    if (dir && existsSync(path.join(dir, FILES[2][0]))) return { version: 2, dir };
  }
  if (v1 !== undefined) {
    const dir = existingDir(path.join(cgroupRoot, 'memory'), v1);
    if (dir) return { version: 1, dir };
  }
  return undefined;
}

/** The one file to read for usage each tick (finding it costs several reads, so callers keep it). */
export function memoryUsageFile(procRoot = '/proc', pid = 'self', cgroupRoot = '/sys/fs/cgroup'): string | undefined {
  const found = memoryDir(procRoot, pid, cgroupRoot);
  return found && path.join(found.dir, FILES[found.version][0]);
}

export function readUsage(file: string | undefined): number | undefined {
  return file ? readInt(file) : undefined;
}

/** usage, limit (absent when unlimited) and oomKills. */
export function readCgroupMemory(procRoot = '/proc', pid = 'self', cgroupRoot = '/sys/fs/cgroup'): { usage?: number; limit?: number; oomKills?: number } {
  const found = memoryDir(procRoot, pid, cgroupRoot);
  if (!found) return {};
  const [usageFile, limitFile, eventsFile] = FILES[found.version].map((f) => path.join(found.dir, f)) as [string, string, string];
  let limit = readInt(limitFile); // v2 writes "max" when unlimited
  if (limit !== undefined && found.version === 1 && limit >= V1_UNLIMITED) limit = undefined;
  const out: { usage?: number; limit?: number; oomKills?: number } = {};
  const usage = readInt(usageFile);
  const oomKills = keyed(eventsFile, 'oom_kill');
  if (usage !== undefined) out.usage = usage;
  if (limit !== undefined) out.limit = limit;
  if (oomKills !== undefined) out.oomKills = oomKills;
  return out;
}
