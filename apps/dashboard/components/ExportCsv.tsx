'use client';
// "Export CSV" for one chart: the panel's series over the page's range, from
// the API's CSV export. Fetched rather than linked, so the request carries the
// chosen project (a header a plain link cannot send), then saved as a file.
import { useState } from 'react';
import { projectHeaders } from '../lib/project';

export function ExportCsv({ instanceId, metrics, fromMs, toMs }: { instanceId: string; metrics: string[]; fromMs: number; toMs: number }) {
  const [error, setError] = useState<string | null>(null);
  const q = new URLSearchParams({ from: String(Math.round(fromMs)), to: String(Math.round(toMs)) });
  for (const m of metrics.slice(0, 50)) q.append('metric', m);
  const href = `/api/instances/${encodeURIComponent(instanceId)}/series.csv?${q}`;
  const save = async (e: React.MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    setError(null);
    const res = await fetch(href, { headers: projectHeaders() }).catch(() => null);
    if (!res?.ok) {
      setError(res ? ((await res.json().catch(() => null))?.error?.message ?? `HTTP ${res.status}`) : 'the server did not answer');
      return;
    }
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'series.csv';
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <p className="small">
      <a href={href} onClick={save} data-export-csv>Export CSV</a>
      {error && <span className="error" role="alert"> Export failed: {error}</span>}
    </p>
  );
}
