'use client';
// "Which release started the leak?": the app's memory over the week before a
// deploy against the week after it, from the API's release comparison. The
// newest deploy by default; any deploy the page's range shows can be picked.
import { useEffect, useState } from 'react';
import type { DeployMarker, ReleaseComparison, ReleaseWindow } from '@memsight/contracts';
import { api } from '../lib/api';
import { formatValue } from '../lib/chart-data';
import { formatBytes } from '../lib/format';

const ROWS: { label: string; value: (w: ReleaseWindow) => string }[] = [
  { label: 'RSS floor growth', value: (w) => (w.growthBytesPerHour === null ? '–' : `${w.growthBytesPerHour < 0 ? '−' : ''}${formatBytes(Math.abs(w.growthBytesPerHour))}/h`) },
  { label: 'heap floor', value: (w) => formatBytes(w.floorBytes) },
  { label: 'fragmentation', value: (w) => formatValue('ratio', w.fragmentation) },
  { label: 'GC pause share', value: (w) => formatValue('ratio', w.gcPauseFraction) },
];

export function ReleaseCompare({ apiKey, appId, deploys }: { apiKey: string; appId: string; deploys: DeployMarker[] }) {
  const [deployId, setDeployId] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<{ comparison: ReleaseComparison } | { error: string } | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.compareReleases(apiKey, appId, deployId).then(
      (comparison) => !cancelled && setResult({ comparison }),
      (err) => !cancelled && setResult({ error: (err as Error).message }),
    );
    return () => {
      cancelled = true;
    };
  }, [apiKey, appId, deployId]);
  if (!result) return null;
  if ('error' in result) return <section className="card muted small" data-releases>Release comparison: {result.error}</section>;
  const { deploy, before, after, windowDays } = result.comparison;
  const choices = deploys.some((d) => d.id === deploy.id) ? deploys : [...deploys, deploy];
  return (
    <section className="card" data-releases aria-labelledby="releases-title">
      <h2 id="releases-title">
        Releases: {deploy.previousVersion ?? 'before'} → {deploy.version}
      </h2>
      <p className="muted small">
        {windowDays} days before the deploy of {new Date(deploy.at).toLocaleString()} against the days after it ({before.instances} and {after.instances} instances).{' '}
        <label>
          Deploy{' '}
          <select value={deploy.id} onChange={(e) => setDeployId(e.target.value)}>
            {choices.map((d) => (
              <option key={d.id} value={d.id}>{d.version} · {new Date(d.at).toLocaleString()}</option>
            ))}
          </select>
        </label>
      </p>
      <table data-table="releases">
        <thead>
          <tr><th scope="col">over the window</th><th scope="col">before ({deploy.previousVersion ?? '–'})</th><th scope="col">after ({deploy.version})</th></tr>
        </thead>
        <tbody>
          {ROWS.map((r) => (
            <tr key={r.label} data-release-row={r.label}><th scope="row">{r.label}</th><td>{r.value(before)}</td><td>{r.value(after)}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
