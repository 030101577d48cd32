'use client';
// Where memory is allocated: allocation sites (with their tracebacks) and
// object types, each with its growth over the page's range, biggest first.
import type { InstanceSnapshots } from '@memsight/contracts';
import { formatBytes } from '../lib/format';

const TOP = 15;
const signed = (n: number | null, f: (v: number) => string) => (n === null ? '–' : `${n > 0 ? '+' : ''}${f(n)}`);
const sinceText = (since: string | null) => (since ? `since ${new Date(since).toLocaleString()}` : 'since the previous snapshot');

export function AllocationTables({ snapshots, runtime }: { snapshots: InstanceSnapshots; runtime: string }) {
  const { allocationSites: sites, typeCounts: types } = snapshots;
  const hint =
    runtime === 'node'
      ? 'Set MEMSIGHT_HEAP_SAMPLING=32768 in the app to see its allocation sites.'
      : 'Set MEMSIGHT_TRACEMALLOC=1 in the app to see its allocation sites.';
  return (
    <>
      <section className="card" data-table="sites" aria-labelledby="sites-title">
        <h2 id="sites-title">Allocation sites</h2>
        {!sites ? (
          <p className="muted">No allocation-site snapshots in this range. {hint}</p>
        ) : (
          <div className="scroll">
            <p className="muted">{sites.source ?? 'agent'} snapshot of {new Date(sites.at).toLocaleString()}; growth {sinceText(sites.since)}.</p>
            <table>
              <thead><tr><th scope="col">site</th><th scope="col">size</th><th scope="col">growth</th><th scope="col">blocks</th></tr></thead>
              <tbody>
                {sites.sites.slice(0, TOP).map((s) => (
                  <tr key={s.site}>
                    <td>
                      {s.traceback.length > 1 ? (
                        <details>
                          <summary><code>{s.site}</code></summary>
                          <pre className="traceback" tabIndex={0}>{s.traceback.join('\n')}</pre>
                        </details>
                      ) : (
                        <code>{s.site}</code>
                      )}
                    </td>
                    <td>{formatBytes(s.sizeBytes)}</td>
                    <td>{signed(s.growthBytes, formatBytes)}</td>
                    <td>{s.count ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" data-table="types" aria-labelledby="types-title">
        <h2 id="types-title">Object types</h2>
        {!types ? (
          <p className="muted">No type-count snapshots in this range.</p>
        ) : (
          <div className="scroll">
            <p className="muted">Counts of {new Date(types.at).toLocaleString()}; growth {sinceText(types.since)}.</p>
            <table>
              <thead><tr><th scope="col">type</th><th scope="col">objects</th><th scope="col">growth</th></tr></thead>
              <tbody>
                {types.types.slice(0, TOP).map((t) => (
                  <tr key={t.type}><td><code>{t.type}</code></td><td>{t.count}</td><td>{signed(t.growth, String)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
