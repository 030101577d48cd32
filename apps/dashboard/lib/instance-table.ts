// The app page's instance table: each instance with its newest figures,
// sortable by any column; missing figures sort last whichever the direction. Pure.
import type { InstanceFigures, InstanceSummary } from '@memsight/contracts';

export interface InstanceRow {
  instance: InstanceSummary;
  figures: InstanceFigures | undefined;
}

export const COLUMNS = ['instance', 'rss', 'growth', 'fragmentation', 'gcPause', 'fds', 'threads', 'version', 'worker', 'lastSeen'] as const;
export type Column = (typeof COLUMNS)[number];

function keyOf(r: InstanceRow, c: Column): number | string | null {
  const f = r.figures;
  switch (c) {
    case 'instance': return `${r.instance.host}:${r.instance.pid}`;
    case 'rss': return f?.rssBytes ?? null;
    case 'growth': return f?.growthBytesPerHour ?? null;
    case 'fragmentation': return f?.fragmentation ?? null;
    case 'gcPause': return f?.gcPauseFraction ?? null;
    case 'fds': return f?.openFds ?? null;
    case 'threads': return f?.threads ?? null;
    case 'version': return r.instance.appVersion;
    case 'worker': return r.instance.worker;
    case 'lastSeen': return Date.parse(r.instance.lastSeenAt);
  }
}

export function sortRows(rows: InstanceRow[], by: Column, descending: boolean): InstanceRow[] {
  return [...rows].sort((a, b) => {
    const x = keyOf(a, by);
    const y = keyOf(b, by);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return descending ? -order : order;
  });
}
